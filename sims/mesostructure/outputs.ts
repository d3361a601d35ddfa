import type { FieldSpec, OutputSpec } from '../../src/simulation.ts';
import type { GenerateResult, GenerateSummary } from './generate.ts';

/**
 * The scalar outputs of the generator, declared once: the generate stage's dataset columns, their
 * units and how each is read from the result (the summary's thicknessUm is the column
 * thickness_um, and so on). They read the summary only, so the CLI's table reads the same list.
 */
export const MESOSTRUCTURE_OUTPUTS: readonly OutputSpec<{ summary: GenerateSummary }>[] = [
  { name: 'porosity', unit: '1', description: 'pore (label 0) volume fraction after calendering', value: (r) => r.summary.porosity },
  { name: 'total_porosity', unit: '1', label: 'total porosity (incl. CBD pores)', description: 'pore fraction plus the CBD internal porosity', value: (r) => r.summary.totalPorosity },
  { name: 'am_fraction', unit: '1', label: 'AM fraction', description: 'active material volume fraction', value: (r) => r.summary.fractions.am },
  { name: 'cbd_fraction', unit: '1', label: 'CBD fraction', description: 'CBD volume fraction', value: (r) => r.summary.fractions.cbd },
  { name: 'particles', unit: '1', description: 'number of AM particles', value: (r) => r.summary.particles },
  { name: 'thickness_um', unit: 'µm', label: 'thickness', description: 'electrode thickness after calendering', value: (r) => r.summary.thicknessUm },
  { name: 'calendering_realized_percent', unit: '%', label: 'calendering', description: 'thickness reduction realised on the voxel grid', value: (r) => r.summary.calenderingPercent },
  { name: 'areal_loading_mg_cm2', unit: 'mg/cm²', label: 'areal loading', description: 'AM areal loading', value: (r) => r.summary.arealLoadingMgCm2 },
  { name: 'mean_overlap', unit: '1', label: 'mean overlap (of radius)', description: 'mean overlap depth / smaller radius of touching pairs', value: (r) => r.summary.meanOverlap },
  { name: 'max_overlap', unit: '1', label: 'max overlap (of radius)', description: 'largest overlap depth / smaller radius', value: (r) => r.summary.maxOverlap },
  { name: 'am_volume_retained', unit: '1', label: 'AM volume retained', description: 'AM voxels after calendering / before', value: (r) => r.summary.amVolumeRetained },
];

/** The generated labels, kept as a field. */
export const MESOSTRUCTURE_FIELDS: readonly FieldSpec<GenerateResult>[] = [{ name: 'volume', description: 'labels: 0 pore, 1 AM, 2 CBD', data: (r) => r.volume.labels }];
