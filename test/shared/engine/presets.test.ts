import { describe, expect, it } from 'vitest';
import { FAMILIES, geometry, resolveVersion, UnknownVersionError } from '../../../shared/engine/presets';

describe('resolveVersion', () => {
  it.each([
    ['2.3', 'G0'],
    ['2.4', 'G0'],
    ['2.4.6', 'G0'],
    ['2.5', 'G1'],
    ['2.7.6', 'G1'],
    ['2.7.7', 'G2'],
    ['2.7.16', 'G2'],
    ['2.7.17', 'G3'],
    ['2.7', 'G3'],
    ['2.7.18', 'G3'],
    ['3.0', 'G1'],
    ['3.2', 'G1'],
    ['3.3', 'G2'],
    ['3.6', 'G2'],
    ['3.6.15', 'G2'],
    ['3.7.3', 'G2'],
    ['3.7.4', 'G3'],
    ['3.7.16', 'G3'],
    ['3.7', 'G3'],
    ['3.8', 'G3'],
    ['3.9', 'G4'],
    ['3.9.18', 'G4'],
    ['3.10', 'G5'],
    ['3.11', 'G5'],
    ['3.13.0', 'G5'],
    ['3.14', 'G5'],
    ['g3', 'G3'],
  ])('%s → %s', (v, fam) => {
    expect(resolveVersion(v).preset.family).toBe(fam);
  });

  it('names the release a bare line stands for', () => {
    expect(resolveVersion('2.7').version).toBe('2.7.18');
    expect(resolveVersion('3.6.15').version).toBe('3.6.15');
  });

  it.each(['3.15', '4.0', '2.4.9', '3.8.21', 'three', '', '3', '3.11.x'])('rejects %j and lists what is known', (v) => {
    expect(() => resolveVersion(v)).toThrow(UnknownVersionError);
    expect(() => resolveVersion(v)).toThrow(/known are 2\.3.*3\.14.*G0/);
  });
});

describe('geometry', () => {
  it('reproduces the spec blocks-per-pool rows', () => {
    const g0 = geometry(FAMILIES.G0);
    expect(g0.nclasses).toBe(32);
    expect([...g0.numBlocks.slice(0, 4)]).toEqual([506, 253, 168, 126]);
    expect(g0.numBlocks[31]).toBe(15);
    const g2 = geometry(FAMILIES.G2);
    expect(g2.nclasses).toBe(64);
    expect(g2.numBlocks[63]).toBe(7);
    const g3 = geometry(FAMILIES.G3);
    expect(g3.nclasses).toBe(32);
    expect([...g3.numBlocks.slice(0, 3)]).toEqual([253, 126, 84]);
    const g5 = geometry(FAMILIES.G5);
    expect([...g5.numBlocks.slice(0, 4)]).toEqual([1021, 510, 340, 255]);
    expect(g5.numBlocks[31]).toBe(31);
    expect(g5.quantization[0]).toBe((16384 - 48) % 16);
    for (const p of Object.values(FAMILIES)) expect(geometry(p).maxPools).toBe(64);
  });
});
