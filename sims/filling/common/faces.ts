// The box faces and the 6-neighbourhood live with the other voxel operations (src/voxel); the
// filling models name them from here.
export { FACES, type Face, faceAxis, oppositeFace, faceMask, faceNeighbours } from '../../../src/voxel/faces.ts';
