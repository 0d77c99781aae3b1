import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findByIds } from './catalogIds.js';

const catalog = {
  services: [
    {
      id: 's1',
      name: 'a9s-postgresql15',
      description: '',
      bindable: true,
      plans: [
        { id: 'p1', name: 'postgresql-single-small', description: '' },
        { id: 'p2', name: 'postgresql-single-big', description: '' },
      ],
    },
  ],
};

void describe('findByIds', () => {
  void it('finds service and plan of a provisioned instance', () => {
    const found = findByIds(catalog, 's1', 'p2');
    assert.equal(found?.service.name, 'a9s-postgresql15');
    assert.equal(found?.plan.name, 'postgresql-single-big');
  });

  void it('is undefined when the catalog no longer has them', () => {
    assert.equal(findByIds(catalog, 's1', 'gone'), undefined);
    assert.equal(findByIds(catalog, 'gone', 'p1'), undefined);
  });
});
