import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompute } from '../../src/gpu/backend.ts';
import type { Compute } from '../../src/gpu/backend.ts';
import { AbortedError, ConfigError, ImpossibleRequestError } from '../../src/errors.ts';
import { Rng } from '../../src/random/rng.ts';
import { volumeFractions } from '../../src/volume/volume.ts';
import { generateElectrode, resolveParams } from './index.ts';
import type { GenerateParams, GenerateResult } from './index.ts';
import { ksCriticalValue, ksPValue, ksStatistic } from './stats.ts';
import { lognormalCdf, sigmaFromSpan } from './psd.ts';
import { phaseSurfaceArea } from '../properties/surface-area.ts';
import { correlationLength, twoPointCorrelation } from '../properties/two-point.ts';

let compute: Compute;
beforeAll(async () => {
  compute = await createCompute({ backend: 'webasm' });
});
afterAll(() => compute.destroy());

const run = (params: GenerateParams): Promise<GenerateResult> => generateElectrode(params, { rng: new Rng(0), compute });

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

describe('generateElectrode', () => {
  it('hits the AM, CBD and pore targets within 0.01 over several seeds (CBD within 0.005)', async () => {
    for (const [seed, porosity, cbdFraction, cbdMorphology] of [
      [1, 0.4, 0.12, 'bridge'],
      [2, 0.35, 0.1, 'film'],
      [3, 0.45, 0.15, 'bridge'],
      [4, 0.3, 0.12, 'bridge'],
      [5, 0.38, 0.13, 'film'],
      [6, 0.42, 0.1, 'bridge'],
    ] as const) {
      const r = await run({ shape: [48, 48, 48], d50Um: 8, seed, porosity, cbdFraction, cbdMorphology });
      const f = volumeFractions(r.volume);
      const am = 1 - porosity - cbdFraction;
      expect(Math.abs(f.am! - am), `seed ${seed} AM`).toBeLessThanOrEqual(0.01);
      expect(Math.abs(f.cbd! - cbdFraction), `seed ${seed} CBD`).toBeLessThanOrEqual(0.005);
      expect(Math.abs(f.pore! - porosity), `seed ${seed} pore`).toBeLessThanOrEqual(0.01);
      // The summary reports what the volume holds.
      expect(r.summary.fractions.am).toBeCloseTo(f.am!, 12);
      expect(r.summary.porosity).toBeCloseTo(f.pore!, 12);
      // Dense packing without gross overlap: under 5 % of the smaller radius anywhere.
      expect(r.summary.maxOverlap).toBeLessThan(0.05);
      expect(r.summary.meanOverlap).toBeLessThan(0.01);
      expect(r.particles.length).toBe(r.summary.particles);
    }
  });

  it('places radii that follow the requested number-weighted lognormal (D50 within 5 %, KS not rejected at α = 0.05)', async () => {
    // A fixed seed makes this statistical test deterministic; over seeds 100–123 its p-values
    // spread over (0.07, 1.00), as they should for a sampler without bias.
    const d50 = 4;
    const span = 1;
    const r = await run({ shape: [48, 48, 48], d50Um: d50, span, psdBasis: 'number', porosity: 0.4, cbdFraction: 0.1, seed: 100 });
    const d = r.particles.map((p) => 2 * p.r * 1e6);
    expect(d.length).toBeGreaterThan(600);
    expect(Math.abs(median(d) / d50 - 1)).toBeLessThan(0.05);
    const sigma = sigmaFromSpan(span);
    const D = ksStatistic(d, (x) => lognormalCdf(x, d50, sigma));
    expect(D).toBeLessThan(ksCriticalValue(d.length, 0.05));
    // The same sample is rejected against a distribution 15 % coarser: the test has power.
    const wrong = ksStatistic(d, (x) => lognormalCdf(x, d50 * 1.15, sigma));
    expect(ksPValue(wrong, d.length)).toBeLessThan(0.05);
  });

  it('converts a volume-weighted D50 to the number-weighted median by Hatch–Choate (D50,n = D50,v·e^{−3σ²})', async () => {
    const span = 0.8;
    const sigma = sigmaFromSpan(span);
    const r = await run({ shape: [64, 64, 64], d50Um: 8, span, psdBasis: 'volume', porosity: 0.4, cbdFraction: 0.1, seed: 12 });
    const d = r.particles.map((p) => 2 * p.r * 1e6);
    const dn = 8 * Math.exp(-3 * sigma * sigma);
    expect(Math.abs(median(d) / dn - 1)).toBeLessThan(0.05);
    expect(ksStatistic(d, (x) => lognormalCdf(x, dn, sigma))).toBeLessThan(ksCriticalValue(d.length, 0.05));
  });

  it('calendering: porosity strictly decreases over 0, 10, 20, 30 % and thickness follows', async () => {
    const out: GenerateResult[] = [];
    for (const calenderingPercent of [0, 10, 20, 30]) {
      out.push(await run({ shape: [48, 48, 40], d50Um: 8, seed: 5, porosity: 0.45, cbdFraction: 0.12, calenderingPercent }));
    }
    const por = out.map((r) => r.summary.porosity);
    for (let i = 1; i < por.length; i++) expect(por[i]!).toBeLessThan(por[i - 1]!);
    expect(out.map((r) => r.summary.thicknessUm)).toEqual([40, 36, 32, 28]);
    // CBD volume is conserved to the voxel; AM volume to within what flattened particles overlap.
    const cbdVoxels = out.map((r) => r.summary.fractions.cbd * r.volume.labels.length);
    for (const c of cbdVoxels) expect(Math.round(c)).toBe(Math.round(0.12 * 48 * 48 * 40));
    for (const r of out) expect(r.summary.amVolumeRetained).toBeGreaterThan(0.95);
    // Particles flatten at constant volume: rxy²·rz = r³, rz = s·r, and centres move with z → s·z.
    const s30 = 28 / 40;
    out[3]!.particles.forEach((q, i) => {
      expect(q.rxy * q.rxy * q.rz).toBeCloseTo(q.r ** 3, 30);
      expect(q.rz / q.r).toBeCloseTo(s30, 12);
      expect(q.z).toBeCloseTo(out[0]!.particles[i]!.z * s30, 15);
    });
    // Areal loading is thickness × AM fraction × density, and stays within 5 % under calendering.
    const l0 = out[0]!.summary.arealLoadingMgCm2;
    expect(l0).toBeCloseTo(out[0]!.summary.fractions.am * 40e-4 * 4.7 * 1000, 9);
    for (const r of out) expect(Math.abs(r.summary.arealLoadingMgCm2 / l0 - 1)).toBeLessThan(0.05);
  });

  it('bimodal: each population keeps its volume share (±0.05) and its own median (±5 %)', async () => {
    const r = await run({
      shape: [48, 48, 48],
      d50Um: 10,
      span: 0.6,
      psdBasis: 'number',
      bimodal: { volumeShare: 0.3, d50Um: 4, span: 0.6 },
      porosity: 0.4,
      cbdFraction: 0.1,
      seed: 8,
    });
    const vol = (p: { r: number }): number => p.r ** 3;
    const total = r.particles.reduce((s, p) => s + vol(p), 0);
    const small = r.particles.filter((p) => p.population === 1);
    const share = small.reduce((s, p) => s + vol(p), 0) / total;
    expect(Math.abs(share - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(median(small.map((p) => 2 * p.r * 1e6)) / 4 - 1)).toBeLessThan(0.05);
    const large = r.particles.filter((p) => p.population === 0).map((p) => 2 * p.r * 1e6);
    expect(Math.abs(median(large) / 10 - 1)).toBeLessThan(0.05);
    expect(Math.abs(r.summary.fractions.am - 0.5)).toBeLessThanOrEqual(0.01);
  });

  it('stops with AbortedError when its signal fires', async () => {
    const controller = new AbortController();
    const p = generateElectrode(
      { shape: [48, 48, 48], d50Um: 8, seed: 1 },
      { rng: new Rng(0), compute, signal: controller.signal, onProgress: (q) => q.stage === 'packing' && controller.abort('user stop') },
    );
    await expect(p).rejects.toThrow(AbortedError);
  });

  it('is deterministic: the same seed gives the same labels bit for bit, another seed does not', async () => {
    const p: GenerateParams = { shape: [40, 40, 40], d50Um: 8, seed: 21, porosity: 0.4, calenderingPercent: 15 };
    const a = await run(p);
    const b = await generateElectrode(p, { rng: new Rng(999), compute });
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(b.volume.labels))).toBe(true);
    const c = await run({ ...p, seed: 22 });
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(c.volume.labels))).toBe(false);
  });

  it('without a seed parameter, draws one from the context generator and reports it: that seed reproduces the volume', async () => {
    const r = await generateElectrode({ shape: [32, 32, 32], d50Um: 6 }, { rng: new Rng(77), compute });
    expect(r.summary.seed).toBe(new Rng(77).nextUint32());
    const again = await run({ shape: [32, 32, 32], d50Um: 6, seed: r.summary.seed });
    expect(Buffer.from(again.volume.labels).equals(Buffer.from(r.volume.labels))).toBe(true);
  });
});

describe('particle aggregation and overlap', () => {
  const gen = (seed: number, particleAggregation: number, particleOverlap: number) =>
    run({ shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 6, span: 0.5, porosity: 0.45, cbdFraction: 0.15, particleAggregation, particleOverlap, seed });
  /** AM surface per AM voxel (1/voxel), the AM S2 correlation length (voxels), core contacts per particle. */
  function amShape(r: GenerateResult, grow: number): { sv: number; s2: number; contacts: number } {
    const labels = r.volume.labels;
    const mask = new Uint8Array(labels.length);
    let am = 0;
    for (let i = 0; i < labels.length; i++) am += mask[i] = labels[i] === 1 ? 1 : 0;
    const c = twoPointCorrelation(labels, r.volume.shape, 1, { maxLag: 24 });
    const s2 = (['x', 'y', 'z'] as const).reduce((t, a) => t + correlationLength(c.s2[1]![a]!, c.fraction[1]!), 0) / 3;
    const side = 48 * 0.5e-6;
    const image = (d: number) => Math.min(Math.abs(d), side - Math.abs(d));
    const p = r.particles;
    let pairs = 0;
    for (let i = 0; i < p.length; i++) {
      for (let j = i + 1; j < p.length; j++) {
        const d = Math.hypot(image(p[i]!.x - p[j]!.x), image(p[i]!.y - p[j]!.y), p[i]!.z - p[j]!.z);
        if (d <= (1.02 * (p[i]!.r + p[j]!.r)) / grow) pairs++;
      }
    }
    return { sv: phaseSurfaceArea(mask, r.volume.shape) / am, s2, contacts: (2 * pairs) / p.length };
  }

  it('keeps the fractions; aggregation clusters the particles; overlap merges them: less AM surface, longer correlation', async () => {
    // Measured (seeds 1, 2): contacts per particle 2.1 / 1.8 at random, 3.0 / 3.3 with aggregation
    // 0.9; AM surface per voxel 0.423 → 0.376 → 0.346 (seed 1) and 0.401 → 0.358 → 0.330 over
    // overlap 0, 0.1, 0.2; S2 length 3.5 → 4.2 → 4.5 and 4.0 → 4.7 → 5.0 voxels.
    for (const seed of [1, 2]) {
      const random = await gen(seed, 0, 0);
      const shapes = [];
      for (const ov of [0, 0.1, 0.2]) {
        const r = await gen(seed, 0.9, ov);
        const f = volumeFractions(r.volume);
        expect(Math.abs(f.am! - 0.4), `seed ${seed} overlap ${ov} AM`).toBeLessThanOrEqual(0.01);
        expect(Math.abs(f.cbd! - 0.15), `seed ${seed} overlap ${ov} CBD`).toBeLessThanOrEqual(0.005);
        shapes.push(amShape(r, 1 + ov));
      }
      const [touching, merged, more] = shapes as [ReturnType<typeof amShape>, ReturnType<typeof amShape>, ReturnType<typeof amShape>];
      expect(touching.contacts, `seed ${seed}`).toBeGreaterThan(1.3 * amShape(random, 1).contacts);
      expect(merged.sv, `seed ${seed}`).toBeLessThan(0.95 * touching.sv);
      expect(more.sv, `seed ${seed}`).toBeLessThan(0.97 * merged.sv);
      expect(more.sv, `seed ${seed}`).toBeLessThan(0.88 * touching.sv);
      expect(more.s2, `seed ${seed}`).toBeGreaterThan(1.15 * touching.s2);
    }
  });

  it('compact agglomerates: more contacts per particle than chains, less AM surface, fractions kept', async () => {
    // Measured, compactness 0 → 1: contacts per particle 3.03 → 4.18, 3.29 → 4.21, 3.21 → 4.29
    // (seeds 1–3, aggregation 0.9, touching spheres); AM surface per voxel 0.380 → 0.335,
    // 0.365 → 0.342, 0.369 → 0.345 (aggregation 0.5, overlap 0.2). A particle that takes the free
    // position touching the most others settles into hollows; a chain touches one.
    const compactGen = (seed: number, agg: number, ov: number, particleCompactness: number) =>
      run({ shape: [48, 48, 48], voxelSizeUm: 0.5, d50Um: 6, span: 0.5, porosity: 0.45, cbdFraction: 0.15, particleAggregation: agg, particleOverlap: ov, particleCompactness, seed });
    for (const seed of [1, 2]) {
      const chains = amShape(await compactGen(seed, 0.9, 0, 0), 1);
      const compact = amShape(await compactGen(seed, 0.9, 0, 1), 1);
      expect(compact.contacts, `seed ${seed}`).toBeGreaterThan(1.2 * chains.contacts);
      const mergedChains = await compactGen(seed, 0.5, 0.2, 0);
      const mergedCompact = await compactGen(seed, 0.5, 0.2, 1);
      expect(amShape(mergedCompact, 1.2).sv, `seed ${seed}`).toBeLessThan(0.96 * amShape(mergedChains, 1.2).sv);
      const f = volumeFractions(mergedCompact.volume);
      expect(Math.abs(f.am! - 0.4), `seed ${seed} AM`).toBeLessThanOrEqual(0.01);
      expect(Math.abs(f.cbd! - 0.15), `seed ${seed} CBD`).toBeLessThanOrEqual(0.005);
    }
    // Compactness 0 is the chains' packing itself: no draw is spent on it.
    const implicit = await gen(3, 0.6, 0.15);
    const explicit = await compactGen(3, 0.6, 0.15, 0);
    expect(Buffer.from(explicit.volume.labels).equals(Buffer.from(implicit.volume.labels))).toBe(true);
    expect(() => resolveParams({ particleCompactness: 1.5 })).toThrow(/particleCompactness/);
  });

  it('flocculated slurry: longer pore correlation, fractions kept; dispersion 0 is the random packing byte for byte', async () => {
    // Measured (64³, d50 5 µm, voxel 0.5 µm, overlap 0.2): pore S2 length, mean over x, y, z, dispersion
    // 0 → −0.6: 3.83 → 4.56 voxels (seed 1), 3.76 → 4.55 (seed 2), +19 and +21 %. Particles that
    // settle where the packing is fullest gather in flocs with voids between them, which a random
    // packing at the same fractions does not have.
    const disp = (seed: number, particleDispersion?: number) =>
      run({ shape: [64, 64, 64], voxelSizeUm: 0.5, d50Um: 5, span: 0.5, porosity: 0.45, cbdFraction: 0.15, particleOverlap: 0.2, ...(particleDispersion === undefined ? {} : { particleDispersion }), seed });
    const poreLength = (r: GenerateResult) => {
      const c = twoPointCorrelation(r.volume.labels, r.volume.shape, 1, { maxLag: 32 });
      return (['x', 'y', 'z'] as const).reduce((t, a) => t + correlationLength(c.s2[0]![a]!, c.fraction[0]!), 0) / 3;
    };
    for (const seed of [1, 2]) {
      const random = await disp(seed);
      const flocs = await disp(seed, -0.6);
      expect(poreLength(flocs), `seed ${seed}`).toBeGreaterThan(1.15 * poreLength(random));
      const f = volumeFractions(flocs.volume);
      expect(Math.abs(f.am! - 0.4), `seed ${seed} AM`).toBeLessThanOrEqual(0.01);
      expect(Math.abs(f.cbd! - 0.15), `seed ${seed} CBD`).toBeLessThanOrEqual(0.005);
    }
    const implicit = await disp(3);
    const explicit = await disp(3, 0);
    expect(Buffer.from(explicit.volume.labels).equals(Buffer.from(implicit.volume.labels))).toBe(true);
    expect(() => resolveParams({ particleDispersion: 1.5 })).toThrow(/particleDispersion/);
    expect(() => resolveParams({ particleDispersion: -1.5 })).toThrow(/particleDispersion/);
  });

  it('is deterministic with aggregation and overlap; the particles reported are the voxelized ones', async () => {
    const a = await gen(7, 0.6, 0.15);
    const b = await gen(7, 0.6, 0.15);
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(b.volume.labels))).toBe(true);
    // A particle's reported radius is its voxelized radius: the voxel at its centre is AM.
    const p = a.particles[0]!;
    const v = (q: number) => Math.min(47, Math.floor(q / 0.5e-6));
    expect(a.volume.labels[v(p.x) + 48 * (v(p.y) + 48 * v(p.z))]).toBe(1);
    expect(() => resolveParams({ particleOverlap: 0.6 })).toThrow(/particleOverlap/);
    expect(() => resolveParams({ particleAggregation: 1.5 })).toThrow(/particleAggregation/);
  });
});

describe('z faces', () => {
  const gen = (seed: number, zFaces: 'bounded' | 'cut', calenderingPercent = 0) =>
    run({ shape: [96, 96, 40], voxelSizeUm: 0.5, d50Um: 4, span: 0.5, particleAggregation: 0.6, particleOverlap: 0.5, porosity: 0.45, cbdFraction: 0.15, seed, zFaces, calenderingPercent });
  /** AM fraction of the two voxel layers at each z face over that of the layers 10 or more voxels inside. */
  function faceOverBulk(r: GenerateResult): number {
    const [nx, ny, nz] = r.volume.shape;
    const layer = (z: number): number => {
      let a = 0;
      for (let i = 0; i < nx * ny; i++) a += r.volume.labels[i + nx * ny * z] === 1 ? 1 : 0;
      return a / (nx * ny);
    };
    let bulk = 0;
    for (let z = 10; z < nz - 10; z++) bulk += layer(z) / (nz - 20);
    return (layer(0) + layer(1) + layer(nz - 2) + layer(nz - 1)) / 4 / bulk;
  }

  it("'cut' packs across the faces: AM as dense at a face as inside (bounded faces: about 0.6 of it), fractions kept", async () => {
    // Measured (seeds 1–3): face/bulk 0.63 / 0.70 / 0.59 bounded, 0.92 / 1.03 / 0.99 cut.
    const cut: number[] = [];
    for (const seed of [1, 2, 3]) {
      const b = await gen(seed, 'bounded');
      const c = await gen(seed, 'cut');
      expect(faceOverBulk(b), `seed ${seed} bounded`).toBeLessThan(0.8);
      cut.push(faceOverBulk(c));
      expect(Math.abs(cut[cut.length - 1]! - 1), `seed ${seed} cut`).toBeLessThan(0.15);
      const f = volumeFractions(c.volume);
      expect(Math.abs(f.am! - 0.4), `seed ${seed} AM`).toBeLessThanOrEqual(0.003);
      expect(Math.abs(f.cbd! - 0.15), `seed ${seed} CBD`).toBeLessThanOrEqual(0.0001);
    }
    expect(Math.abs(cut.reduce((s, q) => s + q, 0) / 3 - 1)).toBeLessThan(0.07);
  });

  it("'cut' is deterministic; its particles are the ones reaching into the volume, some centred beyond a face; calendering keeps the fractions", async () => {
    const a = await gen(4, 'cut', 20);
    const b = await gen(4, 'cut', 20);
    expect(Buffer.from(a.volume.labels).equals(Buffer.from(b.volume.labels))).toBe(true);
    expect(a.volume.shape).toEqual([96, 96, 32]);
    // The AM fraction before calendering (0.4 ± 0.003) over s = 0.8, less what flattened neighbours share.
    const f = volumeFractions(a.volume);
    expect(a.summary.amVolumeRetained).toBeGreaterThan(0.9);
    expect(Math.abs(f.am! - (0.4 / 0.8) * a.summary.amVolumeRetained)).toBeLessThanOrEqual(0.004);
    expect(Math.round(f.cbd! * 96 * 96 * 32)).toBe(Math.round(0.15 * 96 * 96 * 40));
    const top = 32 * 0.5e-6;
    expect(a.particles.every((p) => p.z + p.rz > 0 && p.z - p.rz < top)).toBe(true);
    expect(a.particles.some((p) => p.z < 0)).toBe(true);
    expect(a.particles.some((p) => p.z > top)).toBe(true);
    expect(a.summary.particles).toBe(a.particles.length);
    expect(resolveParams({}).zMargin).toBe(0);
    expect(() => resolveParams({ zFaces: 'open' as 'cut' })).toThrow(/zFaces/);
  });
});

describe('impossible requests fail before any work', () => {
  // A compute that must not be touched: any use would throw a different error.
  const untouchable = new Proxy({} as Compute, {
    get() {
      throw new Error('compute used before validation');
    },
  });
  const attempt = (params: GenerateParams): Promise<unknown> =>
    generateElectrode(params, { rng: new Rng(1), compute: untouchable, onProgress: () => { throw new Error('work started'); } });

  it('fractions summing over 1', async () => {
    await expect(attempt({ amFraction: 0.6, cbdFraction: 0.5 })).rejects.toThrow(ImpossibleRequestError);
    await expect(attempt({ amFraction: 0.6, cbdFraction: 0.5 })).rejects.toThrow(/cbdFraction: got 0.5.*sum to 1.1/);
    await expect(attempt({ porosity: 0.5, cbdFraction: 0.6 })).rejects.toThrow(/porosity: got 0.5/);
  });

  it('particles larger than the domain', async () => {
    await expect(attempt({ shape: [32, 32, 32], d50Um: 30 })).rejects.toThrow(/d50Um: got 30, expected particles smaller than the domain \(32 voxels/);
    // Calendering widens particles: a size that fits uncalendered may not fit flattened.
    await expect(attempt({ shape: [40, 40, 64], d50Um: 14, calenderingPercent: 50 })).rejects.toThrow(/wide after calendering/);
  });

  it('a target beyond what random packing reaches, saying what is reachable', async () => {
    await expect(attempt({ amFraction: 0.7, cbdFraction: 0.1 })).rejects.toThrow(/amFraction: got 0.7, expected an AM fraction of at most 0.66/);
    await expect(attempt({ porosity: 0.15, cbdFraction: 0.1, calenderingPercent: 20 })).rejects.toThrow(ImpossibleRequestError);
    await expect(attempt({ porosity: 0.4, cbdFraction: 0.12, calenderingPercent: 40 })).rejects.toThrow(/calenderingPercent: got 40.*gives 1/);
  });

  it('a target within the up-front limit that the packing still cannot reach says what it reached', async () => {
    const err = await run({ shape: [48, 48, 48], d50Um: 8, amFraction: 0.65, cbdFraction: 0.05, seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImpossibleRequestError);
    expect((err as Error).message).toMatch(/^amFraction: got 0.65, expected a target the sphere packing reaches .*\(reached AM fraction 0\.6\d+ for target 0\.6500, max overlap 0\.\d+/);
  });

  it('bad or unknown fields', async () => {
    await expect(attempt({ porosity: 0.4, amFraction: 0.5 })).rejects.toThrow(ConfigError);
    await expect(attempt({ shape: [64, 64, 64], colour: 'red' } as GenerateParams)).rejects.toThrow(/colour.*no such field/);
    await expect(attempt({ d10Um: 5, d90Um: 15, span: 1 })).rejects.toThrow(/span: got 1, expected span or d10Um\/d90Um/);
    await expect(attempt({ cbdMorphology: 'blob' as 'film' })).rejects.toThrow(/cbdMorphology/);
  });

  it('the shipped example configs are valid', async () => {
    const { readConfigFile } = await import('../../src/config/parse.ts');
    for (const f of ['examples/nmc-uncalendered.json', 'examples/nmc-calendered.json']) {
      const r = resolveParams((await readConfigFile(f)) as GenerateParams);
      expect(r.amFraction).toBeCloseTo(0.43, 12);
    }
  });

  it('examples/taufactor-electrode.json (what mesolab calibrate found for the TauFactor 2 electrode) makes its fractions', async () => {
    const { readConfigFile } = await import('../../src/config/parse.ts');
    const config = (await readConfigFile('examples/taufactor-electrode.json')) as GenerateParams;
    // Full size: the tomogram's 256³ after calendering, from 272 voxels of packing in z.
    expect(resolveParams(config).nzCalendered).toBe(256);
    // A 64³ box of it reads the tomogram's fractions (pore 0.4499, AM 0.4005, CBD 0.1496, measured by
    // mesolab properties on electrode.tiff): the config's targets are before calendering.
    const r = await generateElectrode({ ...config, shape: [64, 64, 68], seed: 3 }, { rng: new Rng(3), compute });
    expect(r.volume.shape).toEqual([64, 64, 64]);
    const f = volumeFractions(r.volume);
    expect(f.cbd).toBeCloseTo(0.1496, 3);
    expect(Math.abs(f.pore - 0.4499)).toBeLessThan(0.005);
    expect(Math.abs(f.am - 0.4005)).toBeLessThan(0.005);
  });
});
