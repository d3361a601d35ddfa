// The box faces and the 6-neighbourhood live with the other voxel operations (src/voxel); the
// filling models name them from here.
export { FACES, type Face, faceAxis, oppositeFace, faceMask, neighbour6 } from '../../../src/voxel/faces.ts';
