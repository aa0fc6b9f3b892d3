/**
 * `dvp farm export --openjd DIR`: the Open Job Description template has the structure the
 * published 2023-09 job template schema requires (specificationVersion, name, parameter
 * definitions, uniquely named steps, a Render step whose INT parameter space covers every chunk,
 * a Conform step depending on it) and its commands, with the parameters at their defaults, are
 * exactly the argv the Slurm scripts run (both come from farm-job.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Project } from '../../src-main/engine/project/project.js';
import { planChunks } from '../../src-main/engine/render/chunk-plan.js';
import { readJob } from '../../src-main/farm/farm-job.js';
import type { OpenJdJobTemplate } from '../../src-main/farm/openjd.js';
import { arraySpec, shellWord, SLURM_CHUNK, writeSlurmScripts } from '../../src-main/farm/slurm.js';
import { dvpFromSource } from '../helpers/cli.js';
import { tempDir } from '../helpers/paths.js';

const temp = tempDir('dvp-openjd-');
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The words of a POSIX shell command line as sh would split it (single and double quotes; no expansions but $SLURM_ARRAY_TASK_ID kept as written). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '\\') {
      word += line[++i];
      inWord = true;
    } else if (c === ' ') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function execLine(script: string): string[] {
  const line = readFileSync(script, 'utf8').split('\n').find((l) => l.startsWith('exec '));
  assert.ok(line, `${script} has an exec line`);
  return shellWords(line.slice('exec '.length));
}

describe('dvp farm export --openjd', () => {
  let project: string;
  const bundle = path.join(temp.dir, 'bundle with space');
  before(() => {
    project = path.join(temp.dir, "shot's.dvp");
    Project.create(project).close();
  });
  after(() => temp.cleanup());

  it('writes a jobtemplate-2023-09 template with Render (a task per chunk) then Conform, running the Slurm scripts\' argv', async () => {
    const out = path.join(temp.dir, 'out.mov');
    const result = await dvpFromSource(['farm', 'export', project, '--range', '10-109', '--chunks', '7', '--out', out, '--openjd', bundle, '--search', path.join(temp.dir, 'media')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /deadline bundle submit/);
    const template = JSON.parse(readFileSync(path.join(bundle, 'template.json'), 'utf8')) as OpenJdJobTemplate;

    // The schema's required structure.
    assert.equal(template.specificationVersion, 'jobtemplate-2023-09');
    assert.equal(typeof template.name, 'string');
    assert.ok(template.name.length >= 1 && template.name.length <= 128);
    assert.ok(Array.isArray(template.steps) && template.steps.length === 2);
    const names = template.steps.map((s) => s.name);
    assert.deepEqual(names, ['Render', 'Conform']);
    assert.equal(new Set(names).size, names.length, 'step names are unique');
    const parameterNames = new Set<string>();
    for (const p of template.parameterDefinitions) {
      assert.match(p.name, IDENTIFIER);
      assert.ok(['STRING', 'PATH', 'INT', 'FLOAT'].includes(p.type));
      if (p.type === 'PATH') {
        assert.ok(p.objectType === undefined || ['FILE', 'DIRECTORY'].includes(p.objectType));
        assert.ok(p.dataFlow === undefined || ['NONE', 'IN', 'OUT', 'INOUT'].includes(p.dataFlow));
      }
      assert.equal(typeof p.default, 'string');
      parameterNames.add(p.name);
    }
    for (const step of template.steps) {
      assert.ok(step.name.length >= 1 && step.name.length <= 64);
      const run = step.script.actions.onRun;
      assert.equal(typeof run.command, 'string');
      assert.ok(Array.isArray(run.args) && run.args.every((a) => typeof a === 'string'));
      // Every format-string reference names a declared job parameter or the step's task parameter.
      for (const text of [run.command, ...run.args]) {
        for (const [, ref] of text.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)) {
          const param = /^Param\.(\w+)$/.exec(ref!);
          const task = /^Task\.Param\.(\w+)$/.exec(ref!);
          assert.ok(param ? parameterNames.has(param[1]!) : task ? step.parameterSpace?.taskParameterDefinitions.some((d) => d.name === task[1]) : false, `${ref} is defined`);
        }
      }
    }
    const [render, conform] = template.steps;
    const space = render!.parameterSpace!.taskParameterDefinitions;
    assert.equal(space.length, 1);
    assert.match(space[0]!.name, IDENTIFIER);
    assert.equal(space[0]!.type, 'INT');
    const [lo, hi] = space[0]!.range.split('-').map(Number);
    const chunks = planChunks({ first: 10, last: 109 }, { chunks: 7 });
    assert.deepEqual([lo, hi], [0, chunks.length - 1], 'the INT range covers every chunk index');
    assert.deepEqual(conform!.dependencies, [{ dependsOn: 'Render' }]);
    assert.equal(render!.dependencies, undefined);
    assert.equal(conform!.parameterSpace, undefined, 'one conform task');

    // The same argv as the Slurm scripts of the same job.
    const job = readJob(bundle);
    assert.equal(job.chunks.length, 7);
    const scripts = writeSlurmScripts(job);
    const defaults = new Map(template.parameterDefinitions.map((p) => [p.name, p.default!]));
    const fill = (text: string): string =>
      text.replace(/\{\{\s*Param\.(\w+)\s*\}\}/g, (_, name: string) => defaults.get(name)!).replace(/\{\{\s*Task\.Param\.\w+\s*\}\}/g, SLURM_CHUNK);
    const argv = (step: typeof render): string[] => [step!.script.actions.onRun.command, ...step!.script.actions.onRun.args].map(fill);
    assert.deepEqual(argv(render), execLine(scripts.render));
    assert.deepEqual(argv(conform), execLine(scripts.conform));
    const renderArgv = argv(render);
    assert.equal(renderArgv[2], 'render');
    assert.equal(renderArgv[3], job.snapshot);
    assert.deepEqual(renderArgv.slice(renderArgv.indexOf('--chunk'), renderArgv.indexOf('--chunk') + 2), ['--chunk', SLURM_CHUNK]);
    assert.ok(renderArgv.includes('--search'));
    assert.equal(argv(conform)[2], 'conform');
  });

  it('refuses an export without --openjd or with a bad chunk plan (usage, exit 2)', async () => {
    const missing = await dvpFromSource(['farm', 'export', project, '--range', '0-9', '--chunks', '2', '--out', path.join(temp.dir, 'x.mov')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--openjd DIR/);
    const tooMany = await dvpFromSource(['farm', 'export', project, '--range', '0-2', '--chunks', '5', '--out', path.join(temp.dir, 'y.mov'), '--openjd', path.join(temp.dir, 'b2')]);
    assert.equal(tooMany.code, 2);
    const slurmless = await dvpFromSource(['farm', 'render', project, '--range', '0-9', '--chunks', '2', '--out', path.join(temp.dir, 'z.mov')]);
    assert.equal(slurmless.code, 2);
    assert.match(slurmless.stderr, /--slurm/);
  });
});

describe('Slurm script helpers', () => {
  it('quotes words for sh and writes array specs', () => {
    assert.equal(shellWord('/a/b-c.mov'), '/a/b-c.mov');
    assert.deepEqual(shellWords(["it's here", 'a b', '$HOME', '`x`'].map(shellWord).join(' ')), ["it's here", 'a b', '$HOME', '`x`']);
    assert.equal(shellWord('$HOME'), "'$HOME'");
    assert.equal(arraySpec([0, 1, 2, 3]), '0-3');
    assert.equal(arraySpec([5, 1, 3, 4]), '1,3-5');
    assert.equal(arraySpec([2]), '2');
  });
});
