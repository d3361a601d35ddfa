import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import {
  contactAngleOption,
  cRatesOption,
  fidelityOption,
  fixedInputsOption,
  integerOption,
  intervalTargetsOption,
  keyValueItems,
  listOption,
  looTargetOption,
  nonNegativeInteger,
  numberOption,
  optional,
  portOption,
  positiveNumber,
  secondsSourceOption,
  shapeOption,
  voxelSizeUmOption,
} from './option-values.ts';

describe('option values: numbers and integers', () => {
  it('checks numeric flags', () => {
    expect(positiveNumber('2.5', '--viscosity', 'a positive viscosity in mPa·s')).toBe(2.5);
    expect(() => positiveNumber('0', '--viscosity', 'a positive viscosity in mPa·s')).toThrow('--viscosity: got "0", expected a positive viscosity in mPa·s');
    expect(() => nonNegativeInteger('1.5', '--steps', 'a non-negative integer')).toThrow('--steps: got "1.5"');
  });

  it('refuses blank text and a bare flag (commander gives true) as numbers, naming the flag', () => {
    expect(() => numberOption('', '--tol')).toThrow('--tol: got "", expected a number');
    expect(() => numberOption('  ', '--tol')).toThrow(ConfigError);
    expect(() => positiveNumber(true, '--surface-tension', 'a positive surface tension in N/m')).toThrow(/--surface-tension: got true/);
    expect(() => integerOption('', '--seed', 0)).toThrow('--seed: got "", expected an integer >= 0');
    expect(numberOption('-3.5e-2', '--x')).toBe(-0.035);
  });

  it('integers: bounds and the expected text', () => {
    expect(integerOption('5', '--cv', 2)).toBe(5);
    expect(() => integerOption('1', '--cv', 2)).toThrow('--cv: got "1", expected an integer >= 2');
    expect(() => integerOption('2.5', '--cv', 2)).toThrow(ConfigError);
    expect(optional(undefined, (t) => integerOption(t, '--cv', 2))).toBeUndefined();
    expect(optional('3', (t) => integerOption(t, '--cv', 2))).toBe(3);
  });

  it('ports 0–65535', () => {
    expect(portOption('0')).toBe(0);
    expect(portOption('8080')).toBe(8080);
    for (const bad of ['65536', '-1', '80.5', 'abc', '']) expect(() => portOption(bad)).toThrow(/^--port: got .*, expected an integer port 0–65535/);
  });

  it('voxel size in µm → m, shape as three counts', () => {
    expect(voxelSizeUmOption('0.5')).toBeCloseTo(5e-7, 18);
    expect(voxelSizeUmOption(undefined)).toBeUndefined();
    expect(() => voxelSizeUmOption('0')).toThrow('--voxel-size: got "0", expected a positive voxel size in µm');
    expect(shapeOption('64,32x16')).toEqual([64, 32, 16]);
    expect(() => shapeOption('64,64')).toThrow('--shape: got "64,64", expected three voxel counts nx,ny,nz');
    expect(() => shapeOption('64,a,64')).toThrow('--shape: got "a", expected a number');
  });
});

describe('option values: lists and key=value maps', () => {
  it('lists drop blanks; key=value items name the offending item', () => {
    expect(listOption(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(keyValueItems('a=1, b = x', '--m', 'k=v')).toEqual([
      ['a', '1'],
      ['b', 'x'],
    ]);
    expect(() => keyValueItems('a=1,b', '--m', 'k=v items')).toThrow('--m: got "b", expected k=v items');
    expect(() => keyValueItems(['a=1', 'x y=2'], '--m', 'k=v items')).toThrow('--m: got "x y=2", expected k=v items');
  });

  it('reads contact-angle lists and names the offending entry', () => {
    expect(contactAngleOption('am=30, cbd=60,label4=80')).toEqual({ am: 30, cbd: 60, label4: 80 });
    expect(() => contactAngleOption('am=200')).toThrow('--contact-angle.am: got 200, expected a number <= 180');
    expect(() => contactAngleOption('cbd=-1')).toThrow('--contact-angle.cbd: got -1, expected a number >= 0');
    expect(() => contactAngleOption('pvdf=30')).toThrow(/--contact-angle: got "pvdf=30", expected comma-separated label=degrees/);
    expect(() => contactAngleOption('am=30,cbd=abc')).toThrow('--contact-angle.cbd: got "abc", expected a number of degrees');
  });

  it('C-rates: each in (0, 100]', () => {
    expect(cRatesOption('0.1, 1,2')).toEqual([0.1, 1, 2]);
    for (const bad of ['abc', '1,,2', '0', '101']) expect(() => cRatesOption(bad)).toThrow(/^--c-rates: got .*, expected comma-separated C-rates in \(0, 100\]/);
  });

  it('learn --target: output=RMSE with a positive RMSE', () => {
    expect(looTargetOption('f=0.05, g=1e-2')).toEqual({ f: 0.05, g: 0.01 });
    expect(() => looTargetOption('f=0')).toThrow('--target: got "f=0", expected "<output>=<LOO RMSE>" items');
    expect(() => looTargetOption('f')).toThrow('--target: got "f", expected "<output>=<LOO RMSE>" items');
  });

  it('design-for --target intervals and --fix inputs: reads intervals, one-sided bounds and rejects bad input naming the field', () => {
    expect(intervalTargetsOption('f in [0.1, 0.3], g in [-inf, 2]', ['f', 'g'])).toEqual([
      { output: 'f', lo: 0.1, hi: 0.3 },
      { output: 'g', lo: -Infinity, hi: 2 },
    ]);
    expect(() => intervalTargetsOption('h in [0, 1]', ['f'])).toThrow(/--target: got "h", expected an output of the model: f/);
    expect(() => intervalTargetsOption('f in [2, 1]', ['f'])).toThrow(ConfigError);
    expect(() => intervalTargetsOption('f between 1 and 2', ['f'])).toThrow(/"<output> in \[a, b\]"/);
    expect(fixedInputsOption(['a=0.5'], { a: [0, 1] })).toEqual({ a: 0.5 });
    expect(() => fixedInputsOption(['a=2'], { a: [0, 1] })).toThrow(/inside the training box/);
    expect(() => fixedInputsOption(['b=0.5'], { a: [0, 1] })).toThrow('--fix: got "b", expected an input of the model: a');
    expect(() => fixedInputsOption(['a=x'], { a: [0, 1] })).toThrow('--fix.a: got "x", expected a finite number');
  });

  it('multi-fidelity: --fidelity column map and --fidelity-seconds sources', () => {
    expect(fidelityOption('model=low:qs,high:lbm')).toEqual({ column: 'model', low: 'qs', high: 'lbm' });
    expect(() => fidelityOption('model=qs,lbm')).toThrow(/^--fidelity: got "model=qs,lbm"/);
    expect(secondsSourceOption('stage:fill-lbm')).toEqual({ stage: 'fill-lbm' });
    expect(secondsSourceOption('12.5')).toEqual({ fixed: 12.5 });
    expect(secondsSourceOption('run_seconds')).toEqual({ column: 'run_seconds' });
    expect(() => secondsSourceOption('-1')).toThrow(/^--fidelity-seconds: got "-1"/);
  });
});

describe('option values: one parser', () => {
  it('no other module of src/cli turns option text into numbers or splits lists itself', () => {
    const root = fileURLToPath(new URL('.', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'option-values.ts') files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(10);
    const handParsing = /\.split\(\s*['"],['"]\s*\)|\bNumber\(\s*(o|opts|options|flags|text|value)\b|\bparse(Int|Float)\(/;
    const offenders = files.filter((f) => handParsing.test(readFileSync(f, 'utf8'))).map((f) => f.slice(root.length));
    expect(offenders).toEqual([]);
  });
});
