import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKEND_REQUEST_NAMES, PRECISION_NAMES } from '../../src-main/api/backend.js';
import { jobKinds } from '../../src-main/api/job-kinds.js';
import { BACKEND_REQUESTS, PRECISIONS } from '../../src-main/engine/translate/backend.js';

describe('API backend and precision choices', () => {
  it('repeat the engine lists exactly (the API may not import the engine)', () => {
    assert.deepEqual([...BACKEND_REQUEST_NAMES], [...BACKEND_REQUESTS]);
    assert.deepEqual([...PRECISION_NAMES], [...PRECISIONS]);
  });

  it('train and render jobs take native and a precision, f32 and auto by default', () => {
    const train = jobKinds.train.params.parse({ clipId: 1, backend: 'native', precision: 'bf16' });
    assert.equal(train.backend, 'native');
    assert.equal(train.precision, 'bf16');
    const defaults = jobKinds.train.params.parse({ clipId: 1 });
    assert.equal(defaults.backend, 'auto');
    assert.equal(defaults.precision, 'f32');
    const render = jobKinds.render.params.parse({ clipId: 1, output: '/tmp/x.mov', format: 'prores-hq', backend: 'native', precision: 'bf16' });
    assert.equal(render.backend, 'native');
    assert.equal(render.precision, 'bf16');
    assert.equal(jobKinds.render.params.parse({ clipId: 1, output: '/tmp/x.mov', format: 'prores-hq' }).precision, 'f32');
    assert.equal(jobKinds.train.params.safeParse({ clipId: 1, precision: 'f16' }).success, false);
    assert.equal(jobKinds.render.params.safeParse({ clipId: 1, output: '/tmp/x.mov', format: 'prores-hq', backend: 'gpu' }).success, false);
  });
});
