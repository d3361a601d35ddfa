import type { Command } from 'commander';
import { register as doctor } from './doctor.ts';
import { register as volume } from './volume.ts';
import { register as generate } from './generate.ts';
import { register as properties } from './properties.ts';
import { register as calibrate } from './calibrate.ts';
import { register as fill } from './fill.ts';
import { register as cell } from './cell.ts';
import { register as sweep } from './sweep.ts';
import { register as surrogate } from './surrogate.ts';
import { register as view } from './view.ts';

/** Every command, in the order `mesolab --help` lists them. */
export function registerAll(program: Command): void {
  doctor(program);
  volume(program);
  generate(program);
  properties(program);
  calibrate(program);
  fill(program);
  cell(program);
  sweep(program);
  surrogate(program);
  view(program);
}
