import { describe, expect, it } from 'vitest';
import { parseRoutingSetting } from '../../src/admin/department-routing.js';

describe('parseRoutingSetting', () => {
  it.each([
    [['Vendas', 'routing', 'round-robin'], { name: 'Vendas', setting: 'routing', value: 'round-robin' }],
    [['Vendas', 'Online', 'quiet', '45'], { name: 'Vendas Online', setting: 'quiet', value: '45' }],
    // Discord's options come action first, the department as one value.
    [['routing', 'Vendas Online', 'LAST'], { name: 'Vendas Online', setting: 'routing', value: 'last' }],
    [['Vendas', 'routing'], undefined],
    [['add', 'Vendas'], undefined],
    [['routing', 'x'], undefined],
  ])('%j', (words, expected) => {
    expect(parseRoutingSetting(words)).toEqual(expected);
  });
});
