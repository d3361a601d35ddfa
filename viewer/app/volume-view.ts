import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { colormapTable, hexToRgb, viridisTable } from './colormap.ts';
import type { ColormapName } from './colormap.ts';
import { fragmentShader, vertexShader } from './raymarch-shader.ts';
import type { PhaseMesh } from './mesh/surface-nets.ts';

export interface PhaseStyle {
  visible: boolean;
  color: string;
  opacity: number;
}

export interface RenderStats {
  uploadMs: number;
  frameMs: number;
  fps: number;
  frames: number;
  /** Pore voxels shown as trapped gas (phase map code 2) in the last upload. */
  trappedVoxels: number;
}

/** The label the voxel texture gives pore where gas stays trapped (the shader knows it too). */
const TRAPPED_LABEL = 250;

const AXIS_NAMES = ['x (µm)', 'y (µm)', 'z (µm) ↑ collector'];

/** "Nice" tick values (1, 2, 5 × 10^k) from 0 to `length`, about `count` of them. */
export function axisTicks(length: number, count = 4): number[] {
  if (!(length > 0)) return [0];
  const raw = length / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= length * (1 + 1e-9); v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

/**
 * The 3D view: one two-channel float 3D texture holding, per voxel, the wetting-front value
 * (arrival time or fill pressure) and the label, raymarched and thresholded by time, an axis-aligned clip box, axes, slice outlines and a scale bar in µm.
 * Renders on demand (after any change), so an idle page costs nothing.
 */
export class VolumeView {
  readonly renderer: THREE.WebGLRenderer;
  readonly stats: RenderStats = { uploadMs: 0, frameMs: 0, fps: 0, frames: 0, trappedVoxels: 0 };
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(35, 1, 0.1, 1e6);
  private readonly controls: OrbitControls;
  private readonly group = new THREE.Group();
  private readonly material: THREE.ShaderMaterial;
  private readonly box: THREE.Mesh;
  private readonly sliceOutlines: THREE.LineLoop[] = [];
  private readonly surfaces = new THREE.Group();
  private readonly surfaceMaterials = new Map<number, THREE.MeshStandardMaterial>();
  private readonly clipPlane = new THREE.Plane(new THREE.Vector3(0, 0, -1), 1e9);
  private readonly phaseStyles = new Map<number, PhaseStyle>();
  private clip: [number, number] = [2, 1];
  private voxels: THREE.Data3DTexture | null = null;
  private labels: Uint8Array = new Uint8Array(1);
  private front: Float32Array | null = null;
  private phase: Uint8Array | null = null;
  private shape: [number, number, number] = [1, 1, 1];
  private sizeUm: [number, number, number] = [1, 1, 1];
  private dirty = true;
  private frameTimes: number[] = [];
  private continuous = false;
  private readonly pixel = new Uint8Array(4);
  private voxelsDirty = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly overlay: { axisLabels: HTMLElement; scaleBar: HTMLElement; scaleLabel: HTMLElement; axisTicks?: HTMLElement },
  ) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(1);
    this.renderer.setClearColor(0x0d1014);
    const colormap = new THREE.DataTexture(viridisTable(), 256, 1);
    colormap.needsUpdate = true;
    colormap.magFilter = THREE.LinearFilter;
    this.material = new THREE.ShaderMaterial({
      glslVersion: THREE.GLSL3,
      vertexShader,
      fragmentShader,
      side: THREE.BackSide,
      transparent: true,
      depthWrite: false,
      uniforms: {
        uVoxels: { value: this.texture3d(new Float32Array([Infinity, 1]), [1, 1, 1]) },
        uColormap: { value: colormap },
        uShape: { value: new THREE.Vector3(1, 1, 1) },
        uCam: { value: new THREE.Vector3() },
        uClipMax: { value: new THREE.Vector3(1, 1, 1) },
        uColors: { value: [new THREE.Vector3(0.3, 0.3, 0.3), new THREE.Vector3(0.6, 0.6, 0.65), new THREE.Vector3(0.2, 0.2, 0.2)] },
        uOpacity: { value: [0, 1, 1] },
        uFrontMode: { value: 0 },
        uTime: { value: 0 },
        uFrontRange: { value: new THREE.Vector2(0, 1) },
        uFrontSign: { value: 1 },
        uFrontStart: { value: 0 },
        uFrontBand: { value: 0 },
        uElectrolyteOpacity: { value: 0.3 },
        uShowTrapped: { value: 1 },
        uStep: { value: 0.8 }, // BASE_STEP
      },
    });
    const geometry = new THREE.BoxGeometry(1, 1, 1).translate(0.5, 0.5, 0.5);
    this.box = new THREE.Mesh(geometry, this.material);
    this.box.renderOrder = 1;
    // Volume z (through the thickness) points up on screen.
    this.group.rotation.x = -Math.PI / 2;
    this.group.add(this.box);
    this.surfaces.visible = false;
    this.group.add(this.surfaces);
    this.scene.add(this.group);
    // Surfaces are lit from the camera, so the side facing the user is always readable.
    this.scene.add(new THREE.AmbientLight(0xffffff, 0.45));
    const headlight = new THREE.DirectionalLight(0xffffff, 1.6);
    headlight.position.set(0.3, 0.4, 1);
    this.camera.add(headlight);
    this.scene.add(this.camera);
    this.renderer.localClippingEnabled = true;
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.invalidate());
    // Large volumes orbit at reduced quality and sharpen when the drag ends.
    this.controls.addEventListener('start', () => this.setMoving(true));
    this.controls.addEventListener('end', () => this.setMoving(false));
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    // Frames are not timed here: waiting for the GPU would block the page for a whole frame
    // (hundreds of ms on a software renderer). measureOrbit() times frames on request.
    const loop = (): void => {
      if (this.dirty || this.continuous) this.render();
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  private texture3d(data: Float32Array, shape: readonly number[]): THREE.Data3DTexture {
    const t = new THREE.Data3DTexture(data, shape[0]!, shape[1]!, shape[2]!);
    t.format = THREE.RGFormat;
    t.type = THREE.FloatType;
    t.minFilter = THREE.NearestFilter;
    t.magFilter = THREE.NearestFilter;
    t.unpackAlignment = 1;
    t.needsUpdate = true;
    return t;
  }

  /**
   * Waits until the GPU has done everything issued so far. gl.finish() returns early in Chromium
   * (the GPU runs in another process), so read one pixel back instead: that round trip cannot
   * complete before the commands ahead of it.
   */
  private waitForGpu(): void {
    const gl = this.renderer.getContext();
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, this.pixel);
  }

  /**
   * Uploads now rather than inside the draw, so the stats panel can show what the upload cost;
   * with `timed`, waits for the GPU to have it (the benchmark), otherwise only the CPU side counts.
   */
  private upload(t: THREE.Data3DTexture, timed: boolean): void {
    this.renderer.initTexture(t);
    if (timed) this.waitForGpu();
  }

  setVolume(labels: Uint8Array, shape: [number, number, number], voxelSize: number): void {
    this.labels = labels;
    this.front = null;
    this.phase = null;
    this.shape = shape;
    (this.material.uniforms.uShape!.value as THREE.Vector3).set(...shape);
    this.sizeUm = shape.map((n) => n * voxelSize * 1e6) as [number, number, number];
    this.box.scale.set(...this.sizeUm);
    this.box.position.set(-this.sizeUm[0] / 2, -this.sizeUm[1] / 2, -this.sizeUm[2] / 2);
    this.material.uniforms.uFrontMode!.value = 0;
    this.voxelsDirty = true;
    this.rebuildHelpers();
    this.resetCamera();
    this.invalidate();
  }

  /**
   * The wetting front: pore voxels with value <= time are electrolyte. Uploaded once per field
   * (the time slider only moves a uniform).
   */
  setFront(data: Float32Array | null, range: [number, number] = [0, 1], order: 'ascending' | 'descending' = 'ascending'): void {
    this.front = data;
    this.material.uniforms.uFrontMode!.value = data ? 1 : 0;
    (this.material.uniforms.uFrontRange!.value as THREE.Vector2).set(range[0], range[1]);
    this.material.uniforms.uFrontSign!.value = order === 'ascending' ? 1 : -1;
    this.material.uniforms.uFrontStart!.value = order === 'ascending' ? range[0] : range[1];
    this.voxelsDirty = true;
    this.invalidate();
  }

  /** Phase codes 0 solid, 1 electrolyte, 2 trapped gas, 3 unreached gas: marks trapped gas. */
  setPhaseMap(phase: Uint8Array | null): void {
    this.phase = phase;
    this.voxelsDirty = true;
    this.invalidate();
  }

  /**
   * Front value and label per voxel, interleaved, so the raymarcher fetches once per sample.
   * Pore where the phase map says gas stays trapped gets TRAPPED_LABEL. A front value that never
   * arrives (+Inf) is not trapped gas: an LBM run stopped at its step limit leaves most of the
   * pore unreached, and only a phase map (quasi-static filling) tells trapped from unreached. Runs once before the next frame however many set* calls came before it.
   */
  flushUploads(timed = false): void {
    if (!this.voxelsDirty) return;
    this.voxelsDirty = false;
    const t0 = performance.now();
    const n = this.labels.length;
    const data = new Float32Array(2 * n);
    const { labels, front, phase } = this;
    let trappedVoxels = 0;
    for (let i = 0; i < n; i++) {
      const lab = labels[i]!;
      const a = front ? front[i]! : Infinity;
      const finite = a <= Number.MAX_VALUE && a >= -Number.MAX_VALUE;
      data[2 * i] = finite ? a : Infinity;
      const trapped = lab === 0 && phase !== null && phase[i] === 2;
      if (trapped) trappedVoxels++;
      data[2 * i + 1] = trapped ? TRAPPED_LABEL : lab;
    }
    if (this.voxels && this.sameShape()) {
      this.voxels.image.data = data;
      this.voxels.needsUpdate = true;
    } else {
      this.voxels?.dispose();
      this.voxels = this.texture3d(data, this.shape);
      this.material.uniforms.uVoxels!.value = this.voxels;
    }
    this.upload(this.voxels, timed);
    this.stats.uploadMs = performance.now() - t0;
    this.stats.trappedVoxels = trappedVoxels;
  }

  private sameShape(): boolean {
    const img = this.voxels!.image;
    return img.width === this.shape[0] && img.height === this.shape[1] && img.depth === this.shape[2];
  }

  /**
   * Shows the voxels that filled within `width` (field units: s or Pa) before the slider as an
   * opaque, bright band, the front; 0 switches it off. The caller picks the width (front-band.ts).
   */
  setFrontBand(width: number): void {
    this.material.uniforms.uFrontBand!.value = width;
    this.invalidate();
  }

  /** The colour map the front's values are shown with (the phase map is stepwise, so not filtered). */
  setColormap(name: ColormapName): void {
    const tex = this.material.uniforms.uColormap!.value as THREE.DataTexture;
    (tex.image.data as Uint8Array).set(colormapTable(name));
    tex.magFilter = name === 'phase' ? THREE.NearestFilter : THREE.LinearFilter;
    tex.needsUpdate = true;
    this.invalidate();
  }

  /** Values mapped to the ends of the colour map (field units); values beyond are clamped. Filling order as in setFront. */
  setColorRange(range: [number, number], order: 'ascending' | 'descending'): void {
    (this.material.uniforms.uFrontRange!.value as THREE.Vector2).set(range[0], range[1]);
    this.material.uniforms.uFrontStart!.value = order === 'ascending' ? range[0] : range[1];
    this.invalidate();
  }

  setTime(t: number): void {
    this.material.uniforms.uTime!.value = t;
    this.invalidate();
  }

  setPhase(label: number, style: PhaseStyle): void {
    this.phaseStyles.set(label, { ...style });
    const m = this.surfaceMaterials.get(label);
    if (m) this.styleSurface(m, style);
    const [r, g, b] = hexToRgb(style.color);
    (this.material.uniforms.uColors!.value as THREE.Vector3[])[label]!.set(r / 255, g / 255, b / 255);
    (this.material.uniforms.uOpacity!.value as number[])[label] = style.visible ? style.opacity : 0;
    this.invalidate();
  }

  setElectrolyteOpacity(o: number): void {
    this.material.uniforms.uElectrolyteOpacity!.value = o;
    this.invalidate();
  }

  setShowTrapped(on: boolean): void {
    this.material.uniforms.uShowTrapped!.value = on ? 1 : 0;
    this.invalidate();
  }

  /** Keeps the part of the volume below `fraction` along `axis` (0 x, 1 y, 2 z). */
  setClip(axis: number, fraction: number): void {
    this.clip = [axis, fraction];
    const v = this.material.uniforms.uClipMax!.value as THREE.Vector3;
    v.set(1, 1, 1).setComponent(axis, Math.max(1e-3, fraction));
    this.invalidate();
  }

  /** Moves the outline of orthoslice `axis` to voxel index `index`. */
  setSlice(axis: number, index: number): void {
    const o = this.sliceOutlines[axis];
    if (!o) return;
    const f = (index + 0.5) / this.shape[axis]!;
    o.position.setComponent(axis, (f - 0.5) * this.sizeUm[axis]!);
    this.invalidate();
  }

  setSlicesVisible(on: boolean): void {
    for (const o of this.sliceOutlines) o.visible = on;
    this.invalidate();
  }

  /**
   * Shows the phases as meshed surfaces (in voxel units, from the mesh worker) instead of the
   * raymarched voxels; null shows the voxels again. The wetting front is drawn in voxel mode only.
   */
  setSurfaces(meshes: PhaseMesh[] | null): void {
    for (const c of [...this.surfaces.children]) {
      const mesh = c as THREE.Mesh;
      mesh.geometry.dispose();
      this.surfaces.remove(mesh);
    }
    for (const m of this.surfaceMaterials.values()) m.dispose();
    this.surfaceMaterials.clear();
    this.box.visible = meshes === null;
    this.surfaces.visible = meshes !== null;
    if (meshes) {
      const voxelUm = this.sizeUm[0] / this.shape[0];
      this.surfaces.scale.setScalar(voxelUm);
      this.surfaces.position.set(-this.sizeUm[0] / 2, -this.sizeUm[1] / 2, -this.sizeUm[2] / 2);
      for (const pm of meshes) {
        const geometry = new THREE.BufferGeometry();
        geometry.setAttribute('position', new THREE.BufferAttribute(pm.positions, 3));
        geometry.setAttribute('normal', new THREE.BufferAttribute(pm.normals, 3));
        geometry.setIndex(new THREE.BufferAttribute(pm.indices, 1));
        const material = new THREE.MeshStandardMaterial({ roughness: 0.65, metalness: 0.05, side: THREE.DoubleSide, clippingPlanes: [this.clipPlane] });
        this.styleSurface(material, this.phaseStyles.get(pm.label) ?? { visible: true, color: '#aaaaaa', opacity: 1 });
        this.surfaceMaterials.set(pm.label, material);
        this.surfaces.add(new THREE.Mesh(geometry, material));
      }
    }
    this.invalidate();
  }

  /** Triangles currently shown as surfaces. */
  surfaceTriangles(): number {
    let n = 0;
    for (const c of this.surfaces.children) n += ((c as THREE.Mesh).geometry.index?.count ?? 0) / 3;
    return n;
  }

  private styleSurface(m: THREE.MeshStandardMaterial, style: PhaseStyle): void {
    m.color.set(style.color);
    m.opacity = style.opacity;
    m.transparent = style.opacity < 1;
    m.depthWrite = style.opacity >= 1;
    m.visible = style.visible && style.opacity > 0;
    m.needsUpdate = true;
  }

  /** Hides the raymarched volume (helpers stay): the benchmark's per-frame overhead reference. */
  setVolumeVisible(on: boolean): void {
    this.box.visible = on;
    this.invalidate();
  }

  /** Volumes with at least this many voxels drop to interactive quality while the camera moves. */
  lodVoxels = 128 ** 3;
  /** True while a drag moves the camera and the volume is large enough for interactive quality. */
  moving = false;
  /** Quality while moving: drawing-buffer scale and raymarch step (voxels); at rest 1 and BASE_STEP. */
  static readonly MOVING_SCALE = 0.5;
  static readonly MOVING_STEP = 1.6;
  static readonly BASE_STEP = 0.8;

  /**
   * Interactive quality for large volumes: half the drawing-buffer resolution (a quarter of the
   * rays) and twice the raymarch step while the camera moves, full quality again at rest. Labels
   * stay exact (texelFetch); thin features may flicker during the drag only.
   */
  setMoving(on: boolean): void {
    const large = this.labels.length >= this.lodVoxels;
    const next = on && large;
    if (next === this.moving) return;
    this.moving = next;
    this.renderer.setPixelRatio(next ? VolumeView.MOVING_SCALE : 1);
    this.material.uniforms.uStep!.value = next ? VolumeView.MOVING_STEP : VolumeView.BASE_STEP;
    this.resize();
  }

  setContinuous(on: boolean): void {
    this.continuous = on;
  }

  /**
   * Compiles the raymarch shader without blocking the page (KHR_parallel_shader_compile where the
   * browser has it); a first render would otherwise wait for the compile on the main thread.
   */
  async compile(): Promise<void> {
    await this.renderer.compileAsync(this.scene, this.camera);
  }

  /**
   * Orbits once around in `frames` timed frames; returns each frame's time in ms (GPU included).
   * With `moving`, at the quality a drag gets (large volumes only, see setMoving).
   */
  measureOrbit(frames = 12, moving = false): number[] {
    const out: number[] = [];
    this.setMoving(moving);
    this.render(true);
    for (let i = 0; i < frames; i++) {
      this.orbit((2 * Math.PI) / frames);
      this.render(true);
      out.push(this.stats.frameMs);
    }
    this.setMoving(false);
    return out;
  }

  /** Rotates the camera about the vertical axis (used by the benchmark and the play-orbit). */
  orbit(radians: number): void {
    const p = this.camera.position.clone().sub(this.controls.target);
    p.applyAxisAngle(new THREE.Vector3(0, 1, 0), radians);
    this.camera.position.copy(this.controls.target).add(p);
    this.camera.lookAt(this.controls.target);
    this.invalidate();
  }

  invalidate(): void {
    this.dirty = true;
  }

  /**
   * Draws one frame now. With `timed`, waits for the GPU so frameMs is the real cost of a frame
   * (the benchmark times every frame this way).
   */
  render(timed = false): void {
    this.flushUploads(timed);
    const t0 = performance.now();
    this.group.updateMatrixWorld(true);
    // The clip plane in the volume's centred frame (keep coordinate < f·L − L/2), then in world space.
    const [axis, f] = this.clip;
    const normal = new THREE.Vector3().setComponent(axis, -1);
    this.clipPlane.set(normal, (f - 0.5) * this.sizeUm[axis]! + 1e-6).applyMatrix4(this.group.matrixWorld);
    const cam = this.box.worldToLocal(this.camera.position.clone());
    (this.material.uniforms.uCam!.value as THREE.Vector3).copy(cam);
    this.renderer.render(this.scene, this.camera);
    const t1 = performance.now();
    if (timed) {
      this.waitForGpu();
      this.stats.frameMs = performance.now() - t0;
    }
    this.stats.frames++;
    this.frameTimes.push(t1);
    while (this.frameTimes.length > 0 && this.frameTimes[0]! < t1 - 1000) this.frameTimes.shift();
    this.stats.fps = this.frameTimes.length > 1 ? ((this.frameTimes.length - 1) * 1000) / (t1 - this.frameTimes[0]!) : 0;
    this.dirty = false;
    this.updateOverlay();
  }

  /**
   * The voxel under a point of the canvas (CSS pixels from its top-left): the first one along the
   * view ray, inside the clip box, that the raymarcher draws (nearly) opaque: a visible solid,
   * pore shown at ≥ ½ opacity, filled electrolyte at ≥ ½ opacity, the front band or trapped gas.
   * Null when the ray misses the volume or sees through it.
   */
  pick(px: number, py: number): [number, number, number] | null {
    const w = this.canvas.clientWidth || 1;
    const h = this.canvas.clientHeight || 1;
    const ray = new THREE.Raycaster();
    this.group.updateMatrixWorld(true);
    ray.setFromCamera(new THREE.Vector2((px / w) * 2 - 1, 1 - (py / h) * 2), this.camera);
    const o = this.box.worldToLocal(ray.ray.origin.clone());
    const d = this.box.worldToLocal(ray.ray.origin.clone().add(ray.ray.direction)).sub(o);
    const clipMax = this.material.uniforms.uClipMax!.value as THREE.Vector3;
    let tn = 0;
    let tf = Infinity;
    for (let a = 0; a < 3; a++) {
      const oa = o.getComponent(a);
      const da = d.getComponent(a);
      const hi = clipMax.getComponent(a);
      if (Math.abs(da) < 1e-12) {
        if (oa < 0 || oa > hi) return null;
        continue;
      }
      const t1 = (0 - oa) / da;
      const t2 = (hi - oa) / da;
      tn = Math.max(tn, Math.min(t1, t2));
      tf = Math.min(tf, Math.max(t1, t2));
    }
    if (!(tn < tf)) return null;
    const [nx, ny, nz] = this.shape;
    const u = this.material.uniforms;
    const opacity = u.uOpacity!.value as number[];
    const time = u.uTime!.value as number;
    const sign = u.uFrontSign!.value as number;
    const band = u.uFrontBand!.value as number;
    const electrolyte = u.uElectrolyteOpacity!.value as number;
    const showTrapped = (u.uShowTrapped!.value as number) === 1;
    // Quarter-voxel steps in voxel units along the ray.
    const len = Math.hypot(d.x * nx, d.y * ny, d.z * nz) * (tf - tn);
    const steps = Math.ceil(len * 4) + 1;
    for (let k = 0; k <= steps; k++) {
      const t = tn + ((tf - tn) * (k + 0.01)) / (steps + 0.02);
      const x = Math.min(nx - 1, Math.max(0, Math.floor((o.x + d.x * t) * nx)));
      const y = Math.min(ny - 1, Math.max(0, Math.floor((o.y + d.y * t) * ny)));
      const z = Math.min(nz - 1, Math.max(0, Math.floor((o.z + d.z * t) * nz)));
      const i = x + nx * (y + ny * z);
      const lab = this.labels[i]!;
      if (lab !== 0) {
        if ((opacity[lab] ?? 0.5) >= 0.5) return [x, y, z];
        continue;
      }
      const a = this.front ? this.front[i]! : NaN;
      const filled = this.front !== null && Number.isFinite(a) && sign * a <= sign * time;
      if (filled && (electrolyte >= 0.5 || (band > 0 && sign * (time - a) <= band))) return [x, y, z];
      if (!filled && showTrapped && this.phase !== null && this.phase[i] === 2) return [x, y, z];
      if (!filled && (opacity[0] ?? 0) >= 0.5) return [x, y, z];
    }
    return null;
  }

  screenshot(): string {
    this.render();
    return this.canvas.toDataURL('image/png');
  }

  private resize(): void {
    const w = this.canvas.clientWidth || 800;
    const h = this.canvas.clientHeight || 600;
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.invalidate();
  }

  private resetCamera(): void {
    const d = Math.max(...this.sizeUm) * 2.6;
    this.camera.position.set(d * 0.75, d * 0.55, d * 0.85);
    this.camera.near = d / 100;
    this.camera.far = d * 20;
    this.camera.updateProjectionMatrix();
    this.controls.target.set(0, 0, 0);
    this.controls.update();
  }

  /** Axes start just outside the (-x, -y, -z) corner so the volume never hides them. */
  private axisOrigin(): THREE.Vector3 {
    const m = Math.max(...this.sizeUm) * 0.06;
    return new THREE.Vector3(-this.sizeUm[0] / 2 - m, -this.sizeUm[1] / 2 - m, -this.sizeUm[2] / 2 - m);
  }

  private rebuildHelpers(): void {
    for (const c of [...this.group.children]) if (c !== this.box && c !== this.surfaces) this.group.remove(c);
    this.sliceOutlines.length = 0;
    const [lx, ly, lz] = this.sizeUm;
    const edges = new THREE.LineSegments(
      new THREE.EdgesGeometry(new THREE.BoxGeometry(lx, ly, lz)),
      new THREE.LineBasicMaterial({ color: 0x56606e }),
    );
    this.group.add(edges);
    this.buildTicks();
    const axisLen = Math.max(lx, ly, lz) * 0.3;
    const colors = [0xe5534b, 0x57ab5a, 0x4aa3ff];
    for (let a = 0; a < 3; a++) {
      const dir = new THREE.Vector3().setComponent(a, 1);
      const origin = this.axisOrigin();
      this.group.add(new THREE.ArrowHelper(dir, origin, axisLen, colors[a], axisLen * 0.12, axisLen * 0.06));
      // Slice outline: a rectangle spanning the other two axes.
      const [u, v] = [0, 1, 2].filter((k) => k !== a) as [number, number];
      const hu = [lx, ly, lz][u]! / 2;
      const hv = [lx, ly, lz][v]! / 2;
      const pts = [[-hu, -hv], [hu, -hv], [hu, hv], [-hu, hv]].map(([pu, pv]) => new THREE.Vector3().setComponent(u, pu!).setComponent(v, pv!));
      const loop = new THREE.LineLoop(new THREE.BufferGeometry().setFromPoints(pts), new THREE.LineBasicMaterial({ color: colors[a] }));
      loop.renderOrder = 2;
      this.sliceOutlines.push(loop);
      this.group.add(loop);
    }
    this.overlay.axisLabels.innerHTML = AXIS_NAMES.map((n, a) => `<span style="color:#${colors[a]!.toString(16).padStart(6, '0')}">${n}</span>`).join('');
  }

  /** Tick anchors (volume-centred µm) and their labels: x and y along the bottom front edges, z up a side edge. */
  private ticks: { at: THREE.Vector3; text: string }[] = [];
  /** Where each axis name goes: beyond the end of its tick edge. */
  private axisNameAnchors: THREE.Vector3[] = [];

  /**
   * Tick marks in µm along three edges of the box that meet at the corner nearest the origin
   * (x = 0, y = 0, z = 0): short lines pointing away from the box, labelled in the overlay.
   */
  private buildTicks(): void {
    const [lx, ly, lz] = this.sizeUm;
    const half = [lx / 2, ly / 2, lz / 2];
    const tickLen = Math.max(lx, ly, lz) * 0.025;
    // Each axis's edge runs from the origin corner; its ticks point away from the box along [axis, sign].
    const out: [number, number][] = [
      [1, -1], // x ticks point to −y
      [0, -1], // y ticks point to −x
      [0, -1], // z ticks point to −x
    ];
    const pts: THREE.Vector3[] = [];
    this.ticks = [];
    this.axisNameAnchors = [];
    for (let a = 0; a < 3; a++) {
      const [oa, sign] = out[a]!;
      const length = this.sizeUm[a]!;
      for (const t of axisTicks(length)) {
        const p = new THREE.Vector3(-half[0]!, -half[1]!, -half[2]!).setComponent(a, t - half[a]!);
        const q = p.clone().setComponent(oa, p.getComponent(oa) + sign * tickLen);
        pts.push(p, q);
        this.ticks.push({ at: p.clone().setComponent(oa, p.getComponent(oa) + sign * tickLen * 2.2), text: String(t) });
      }
      const end = new THREE.Vector3(-half[0]!, -half[1]!, -half[2]!).setComponent(a, half[a]! + length * 0.12);
      this.axisNameAnchors.push(end.setComponent(oa, end.getComponent(oa) + sign * tickLen * 2.2));
    }
    this.group.add(new THREE.LineSegments(new THREE.BufferGeometry().setFromPoints(pts), new THREE.LineBasicMaterial({ color: 0x8a94a3 })));
    const host = this.overlay.axisTicks;
    if (host) host.innerHTML = this.ticks.map((t) => `<span>${t.text}</span>`).join('');
  }

  private updateOverlay(): void {
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const toScreen = (p: THREE.Vector3): [number, number] => {
      const q = p.clone().applyMatrix4(this.group.matrixWorld).project(this.camera);
      return [((q.x + 1) / 2) * w, ((1 - q.y) / 2) * h];
    };
    const spans = this.overlay.axisLabels.children;
    for (let a = 0; a < 3; a++) {
      const anchor = this.axisNameAnchors[a];
      const el = spans[a] as HTMLElement | undefined;
      if (el && anchor) {
        const [x, y] = toScreen(anchor);
        el.style.left = `${x}px`;
        el.style.top = `${y}px`;
      }
    }
    const tickSpans = this.overlay.axisTicks?.children;
    if (tickSpans) {
      this.ticks.forEach((t, k) => {
        const el = tickSpans[k] as HTMLElement | undefined;
        if (!el) return;
        const [x, y] = toScreen(t.at);
        el.style.left = `${x}px`;
        el.style.top = `${y}px`;
      });
    }
    // Scale bar for the plane through the orbit target, perpendicular to the view.
    const dist = this.camera.position.distanceTo(this.controls.target);
    const umPerPx = (2 * dist * Math.tan((this.camera.fov * Math.PI) / 360)) / h;
    const target = umPerPx * 120;
    const mag = 10 ** Math.floor(Math.log10(target));
    const nice = [5, 2, 1].map((m) => m * mag).find((v) => v <= target) ?? mag;
    this.overlay.scaleBar.style.width = `${nice / umPerPx}px`;
    this.overlay.scaleLabel.textContent = `${nice >= 1 ? nice : nice.toPrecision(1)} µm`;
  }
}
