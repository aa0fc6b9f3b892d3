import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluationSchedule, learningRateAt, presetConfig, validateConfig } from '../../src-main/engine/translate/config.js';

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

test('plate-overnight stops itself: its held-out schedule applies unless the run asks for its own', () => {
  const overnight = presetConfig('plate-overnight').training;
  const quality = presetConfig('plate-quality').training;
  assert.deepEqual(evaluationSchedule(overnight, {}), { evaluateEvery: 2000, patience: 5 });
  assert.deepEqual(evaluationSchedule(overnight, { patience: 2 }), { evaluateEvery: 2000, patience: 2 });
  // Asking for another schedule drops the preset's patience unless given again; 0 turns evaluation off.
  assert.deepEqual(evaluationSchedule(overnight, { evaluateEvery: 500 }), { evaluateEvery: 500, patience: 0 });
  assert.deepEqual(evaluationSchedule(overnight, { evaluateEvery: 0, patience: 3 }), { evaluateEvery: 0, patience: 0 });
  assert.deepEqual(evaluationSchedule(quality, {}), { evaluateEvery: 0, patience: 0 });
  assert.deepEqual(evaluationSchedule(quality, { evaluateEvery: 100, patience: 4 }), { evaluateEvery: 100, patience: 4 });
  // Same network as plate-quality, longer.
  assert.deepEqual(presetConfig('plate-overnight').network, presetConfig('plate-quality').network);
  assert.ok(overnight.steps >= 8 * quality.steps);
});
