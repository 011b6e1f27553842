// Mutations of the real fixtures through every reader of untrusted text in the core: no exception
// but those a reader documents, no broken invariant, and no input slower than CASE_BOUND_MS.
// A run is reproduced by its seed: PHOENIX_FUZZ_SEED=<seed> npm test -- unit (PHOENIX_FUZZ_CASES sets the count).
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { it } from 'node:test';
import { compiled, runBounded } from './support/bounded';
import type { FuzzReport } from './support/fuzz';

const CASES = Number(process.env['PHOENIX_FUZZ_CASES'] ?? 3000);
const CASE_BOUND_MS = 500;
const seed = process.env['PHOENIX_FUZZ_SEED'] === undefined ? randomInt(2 ** 32) : Number(process.env['PHOENIX_FUZZ_SEED']);

it(`reads ${CASES} mutated project files, outputs and container facts without failing (seed ${seed})`, async (t) => {
  const again = `PHOENIX_FUZZ_SEED=${seed} npm test -- unit`;
  let run;
  try {
    // A hang is killed at the deadline, which names the case it was in.
    run = await runBounded<FuzzReport>({ modulePath: compiled('test/unit/support/fuzz'), name: 'runFuzz', args: [seed, CASES, CASE_BOUND_MS] }, { deadlineMs: 60_000, onProgress: () => undefined });
  } catch (error) {
    assert.fail(`${String(error)}; run it again with ${again}`);
  }
  const { failures, counts, slowest } = run.value;
  t.diagnostic(`seed ${seed}: ${Math.round(run.ms)} ms; slowest ${slowest.label} ${Math.round(slowest.ms)} ms; ${JSON.stringify(counts)}`);
  const report = failures.slice(0, 10).map((failure) => `${failure.target} #${failure.index}: ${failure.problem}\n  input: ${failure.input}`);
  assert.equal(failures.length, 0, `${failures.length} of ${CASES} cases failed; run them again with ${again}\n${report.join('\n')}`);
});
