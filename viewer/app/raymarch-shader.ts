/**
 * Raymarches a labelled volume in one pass. One two-channel float 3D texture holds, per voxel, the
 * wetting-front value (arrival time or fill pressure; +Inf never) and the label (TRAPPED_LABEL for
 * pore where gas stays trapped), so each sample is one fetch; it is uploaded once per field and the
 * time slider only moves `uTime`. Voxels are fetched exactly
 * (texelFetch), so labels are never blended.
 */
export const vertexShader = /* glsl */ `
out vec3 vLocal;
void main() {
  vLocal = position;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

export const fragmentShader = /* glsl */ `
precision highp float;
precision highp sampler3D;
uniform sampler3D uVoxels;
uniform sampler2D uColormap;
uniform vec3 uShape;
uniform vec3 uCam;
uniform vec3 uClipMax;
uniform vec3 uColors[3];
uniform float uOpacity[3];
uniform int uFrontMode;
uniform float uTime;
uniform vec2 uFrontRange;
uniform float uFrontSign;
uniform float uFrontStart;
uniform float uFrontBand;
uniform float uElectrolyteOpacity;
uniform int uShowTrapped;
uniform float uStep;
in vec3 vLocal;
out vec4 outColor;

const float TRAPPED_LABEL = 250.0;
const float MAX_FLOAT = 3.4e38;
// The front band: bright and opaque so it stands out against the dark ground and the colormap.
const vec3 FRONT_COLOR = vec3(1.0, 0.96, 0.88);

// Colour and per-voxel opacity of a voxel (x: front value, y: label); kind is its label, 10 for
// electrolyte, 11 for trapped gas, 12 for the front band.
vec4 classify(vec2 v, out int kind) {
  int lab = int(v.y + 0.5);
  kind = lab;
  if (lab >= 1 && lab <= 2) return vec4(uColors[lab], uOpacity[lab]);
  if (lab != 0 && lab != 250) return vec4(0.75, 0.75, 0.75, 0.5);
  if (uFrontMode == 1) {
    // uFrontSign = -1 when voxels fill in descending order (imbibition pressure).
    if (v.x < MAX_FLOAT && uFrontSign * v.x <= uFrontSign * uTime) {
      if (uFrontBand > 0.0 && uFrontSign * (uTime - v.x) <= uFrontBand) { kind = 12; return vec4(FRONT_COLOR, 1.0); }
      kind = 10;
      float u = clamp(uFrontSign * (v.x - uFrontStart) / max(uFrontRange.y - uFrontRange.x, 1e-30), 0.0, 1.0);
      return vec4(texture(uColormap, vec2(u, 0.5)).rgb, uElectrolyteOpacity);
    }
    if (uShowTrapped == 1 && lab == 250) { kind = 11; return vec4(1.0, 0.25, 0.55, 0.9); }
  }
  kind = 0;
  return vec4(uColors[0], uOpacity[0]);
}

// 1 where the voxel has label lab (0 outside the box), for surface normals of solids.
float same(ivec3 c, int lab) {
  ivec3 hi = ivec3(uShape) - 1;
  if (any(lessThan(c, ivec3(0))) || any(greaterThan(c, hi))) return 0.0;
  return int(texelFetch(uVoxels, c, 0).g + 0.5) == lab ? 1.0 : 0.0;
}

void main() {
  vec3 ro = uCam;
  vec3 rd = normalize(vLocal - uCam);
  vec3 inv = 1.0 / rd;
  vec3 ta = (vec3(0.0) - ro) * inv;
  vec3 tb = (uClipMax - ro) * inv;
  vec3 tlo = min(ta, tb);
  vec3 thi = max(ta, tb);
  float tn = max(max(tlo.x, tlo.y), max(tlo.z, 0.0));
  float tf = min(min(thi.x, thi.y), thi.z);
  if (tn >= tf) discard;
  vec3 p0 = (ro + rd * tn) * uShape;
  vec3 dv = rd * uShape;
  float len = length(dv) * (tf - tn);
  vec3 dir = normalize(dv);
  int n = int(len / uStep) + 1;
  ivec3 hi = ivec3(uShape) - 1;
  vec4 acc = vec4(0.0);
  for (int i = 0; i < 4096; i++) {
    if (i >= n) break;
    vec3 p = p0 + dir * min((float(i) + 0.02) * uStep, len - 1e-3);
    ivec3 c = clamp(ivec3(floor(p)), ivec3(0), hi);
    int kind;
    vec4 s = classify(texelFetch(uVoxels, c, 0).rg, kind);
    if (s.a <= 0.0) continue;
    float a = s.a >= 0.999 ? 1.0 : 1.0 - pow(1.0 - s.a, uStep);
    // Opaque solids get a surface normal from which neighbours share their label (6 fetches);
    // translucent liquid and gas are shaded flat, which keeps their many samples cheap.
    float shade = kind == 12 ? 1.0 : 0.85;
    if (s.a >= 0.5 && kind >= 1 && kind <= 2) {
      vec3 g = vec3(
        same(c - ivec3(1, 0, 0), kind) - same(c + ivec3(1, 0, 0), kind),
        same(c - ivec3(0, 1, 0), kind) - same(c + ivec3(0, 1, 0), kind),
        same(c - ivec3(0, 0, 1), kind) - same(c + ivec3(0, 0, 1), kind));
      shade = dot(g, g) > 0.0 ? 0.35 + 0.65 * abs(dot(normalize(g * uShape), -rd)) : 0.8;
    }
    acc.rgb += (1.0 - acc.a) * a * s.rgb * shade;
    acc.a += (1.0 - acc.a) * a;
    if (acc.a > 0.98) break;
  }
  if (acc.a < 0.005) discard;
  outColor = vec4(acc.rgb / acc.a, acc.a);
}
`;
