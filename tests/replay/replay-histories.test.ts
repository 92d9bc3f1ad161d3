import fs from 'node:fs';
import path from 'node:path';
import { Worker, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../support/temporal';

Runtime.install({ logger: new DefaultLogger('WARN') });

const DIR = path.resolve(__dirname, '../fixtures/histories');

interface RecordedHistory {
  workflowId: string;
  events: { eventType: string; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }[];
}

function load(file: string): RecordedHistory {
  return JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
}

/** The recorder wrote protobufjs' own JSON form; fromObject reads it back into a History message. */
function toHistory(h: RecordedHistory): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject({ events: h.events });
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await workflowBundle();
}, 120_000);

/**
 * Histories recorded from real runs (scripts/histories/record-histories.test.ts) must replay
 * against today's workflow code: a change that would break running missions fails here.
 */
describe('replay of recorded histories', () => {
  it('has the recorded scenarios: a block with messages, a pause/resume, a continue-as-new chain', () => {
    // v1: recorded before the `mission-decision-search-attribute` patch; they replay through its old branch.
    expect(files).toEqual(
      expect.arrayContaining([
        'tdf-block-with-messages.v1.json',
        'tdf-paused-resumed.v1.json',
        'tdf-continue-as-new.run-1.v1.json',
        'tdf-continue-as-new.run-2.v1.json',
        'tdf-day-3.v2.json', // a day's own dailyCycleWorkflow
        // v3: missions as data, days by key (the `missions-as-data` patch)
        'tdf-block-with-messages.v3.json',
        'tdf-paused-resumed.v3.json',
        'tdf-continue-as-new.run-1.v3.json',
        'tdf-continue-as-new.run-2.v3.json',
        'tdf-continue-as-new.run-3.v3.json',
        'tdf-day-3.v3.json',
      ]),
    );
  });

  it.each(files)('%s replays without a determinism error', async (file) => {
    const h = load(file);
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, replayName: file }, [{ workflowId: h.workflowId, history: toHistory(h) }])) {
      results.push(r);
    }
    expect(results).toHaveLength(1);
    expect(results[0].error).toBeUndefined();
  }, 60_000);

  // Core records a patch as a `core_patch` marker whose payload names the patch id.
  const patchIds = (f: string): string[] =>
    (load(f).events as { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> } }[])
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .flatMap((e) => Object.values(e.markerRecordedEventAttributes!.details ?? {}).flatMap((d) => d.payloads ?? []))
      .map((p) => (JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8')) as { id?: string }).id ?? '');
  const activities = (f: string): string[] => load(f).events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);

  it('v1 histories predate the mission-decision-search-attribute patch; v2 histories take its new branch', () => {
    const hasPatch = (f: string) => patchIds(f).includes('mission-decision-search-attribute');
    expect(hasPatch('tdf-block-with-messages.v1.json')).toBe(false);
    expect(hasPatch('tdf-block-with-messages.v2.json')).toBe(true);
  });

  it('v3 histories carry the missions-as-data patch and start from data; older ones read a file and replay through the old branches', () => {
    for (const f of ['tdf-block-with-messages', 'tdf-paused-resumed', 'tdf-continue-as-new.run-1']) {
      expect([f, patchIds(`${f}.v2.json`).includes('missions-as-data')]).toEqual([f, false]);
      expect([f, patchIds(`${f}.v3.json`).includes('missions-as-data')]).toEqual([f, true]);
    }
    expect(activities('tdf-block-with-messages.v2.json')).toContain('loadMission');
    expect(activities('tdf-block-with-messages.v3.json')).toEqual(expect.arrayContaining(['registerMission', 'commitOverride']));
    expect(activities('tdf-block-with-messages.v3.json')).not.toContain('loadMission');
    // A day by key: three activities (the decision is a local activity, a marker) instead of ten.
    expect(activities('tdf-day-3.v2.json')).toHaveLength(10);
    expect(activities('tdf-day-3.v3.json')).toEqual(['observeDay', 'planDay', 'deliverDay']);
  });

  it('a deliberately altered history fails with a determinism error', async () => {
    const h = load('tdf-block-with-messages.v1.json');
    const scheduled = h.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadMission');
    expect(scheduled).toBeDefined();
    // As if the code had once scheduled a different first activity: today's code must refuse it.
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'loadMissionFromSomewhereElse';
    await expect(Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'altered' }, toHistory(h), h.workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 60_000);

  it('a deliberately altered v3 day history fails too', async () => {
    const h = load('tdf-day-3.v3.json');
    const scheduled = h.events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'planDay');
    expect(scheduled).toBeDefined();
    scheduled!.activityTaskScheduledEventAttributes!.activityType!.name = 'planDayElsewhere';
    await expect(Worker.runReplayHistory({ workflowBundle: bundle, replayName: 'altered-v3' }, toHistory(h), h.workflowId)).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
