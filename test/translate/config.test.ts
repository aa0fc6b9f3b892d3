import assert from 'node:assert/strict';
import { test } from 'node:test';
import { learningRateAt, presetConfig, validateConfig } from '../../src-main/engine/translate/config.js';

test('the learning rate is constant, then decays linearly over the last part of the run to 1 % and stays there', () => {
  const training = { ...presetConfig('cpu-tiny').training, learningRate: 1e-3, steps: 1000, decayFrom: 0.6 };
  assert.equal(learningRateAt(training, 0), 1e-3);
  assert.equal(learningRateAt(training, 599), 1e-3);
  assert.equal(learningRateAt(training, 600), 1e-3);
  assert.ok(Math.abs(learningRateAt(training, 800) - 1e-3 * (1 - 0.99 * 0.5)) < 1e-12);
  assert.ok(Math.abs(learningRateAt(training, 1000) - 1e-5) < 1e-12);
  assert.ok(Math.abs(learningRateAt(training, 5000) - 1e-5) < 1e-12);
  const { decayFrom: _, ...constant } = training;
  assert.equal(learningRateAt(constant, 900), 1e-3);
  assert.equal(presetConfig('paper-256').training.decayFrom, undefined, 'the paper presets keep the paper\'s constant rate');
});

test('a decay start outside [0, 1) is refused', () => {
  const config = presetConfig('cpu-tiny');
  config.training.decayFrom = 1;
  assert.throws(() => validateConfig(config), /decayFrom must lie in \[0, 1\)/);
});
