import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobKinds } from '../../src-main/api/job-kinds.js';
import { OUTPUT_FORMAT_IDS, OUTPUT_FORMAT_LIST, OUTPUT_FORMATS, OutputFormatSchema } from '../../src-main/api/output-formats.js';

describe('the output-format table', () => {
  it('is what the job schemas accept, in the render panel order', () => {
    assert.deepEqual(OUTPUT_FORMAT_LIST.map((f) => f.id), [...OUTPUT_FORMAT_IDS]);
    for (const id of OUTPUT_FORMAT_IDS) {
      assert.equal(jobKinds.render.params.shape.format.parse(id), id);
      assert.equal(jobKinds.transcode.params.shape.format.parse(id), id);
    }
    assert.equal(OutputFormatSchema.safeParse('prores').success, false);
    assert.equal(jobKinds.render.params.shape.format.safeParse('dnxhd').success, false);
  });

  it('keeps each row consistent: alpha, the encoder input and the pixel format the encoder is told', () => {
    for (const format of OUTPUT_FORMAT_LIST) {
      assert.equal(format.alpha, format.pixFmt.startsWith('yuva'), format.id);
      assert.equal(format.alpha, format.inputPixFmt === 'rgba', format.id);
      const pixFmtArg = format.videoArgs[format.videoArgs.indexOf('-pix_fmt') + 1];
      assert.equal(pixFmtArg, format.pixFmt, format.id);
    }
  });

  it('names jobs with the table’s labels', () => {
    assert.equal(jobKinds.render.title({ format: 'prores-4444', output: '/tmp/shot.mov' } as never), 'ProRes 4444 render → shot.mov');
    assert.equal(jobKinds.transcode.title({ format: 'h264', output: '/tmp/clip.mp4' } as never), `${OUTPUT_FORMATS.h264.label} → clip.mp4`);
  });
});
