/**
 * R2 — server restarts. A block runs while one of its servers goes away at a random step of a random
 * day and comes back: the Temporal dev server stopped and started again on the same database file
 * and port (a few seconds down), or PostgreSQL stopped and started again on the same data folder
 * and port (under a minute, or ten minutes in the full run). The worker process keeps running
 * through it. The block must then complete with every due day done once (ok or degraded), one
 * e-mail per day, no duplicate row and every report whole; the mission workflow must be the same
 * run, still answering, waiting for its next day.
 */
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { ruleFollowingAnswer, startFakeOpenAiServer } from '../../tests/support/fake-openai-server';
import { auditBlock, startBlock, statusOf, sumAudits, waitForBlock, type BlockAudit } from './block';
import { whereIs, type Step } from './steps';
import { pause, startRig, waitFor, type Rig, type WorkerProcess } from './rig';
import { serviceEnv, startWearables } from './wearables';
import { progress, seededRandom, type TrialReport } from './figures';

/** A server stopped for `downMs`, at a random step (or the step `at`, to aim at one). */
export type Outage = { server: 'temporal' | 'postgres'; downMs: number; at?: Step };

export interface RestartTrial {
  trial: number;
  outage: Outage;
  struck: { date: string | null; step: Step };
  /** The mission workflow kept its run (no new run was started for it). */
  sameRun: boolean;
  /** Worker processes that exited during the trial (each is replaced, and counted). */
  workerExits: number;
  recoveryS: number;
  audit: BlockAudit;
}

export interface RestartOptions {
  outages: Outage[];
  seed: number;
  /** Run the outages on this many rigs at once (each its own servers and worker). */
  lanes?: number;
}

const STRIKE_AT: Step[] = ['observe', 'reason', 'plan', 'deliver'];

async function runLane(lane: number, outages: { trial: number; outage: Outage }[], seed: number, log: (s: string) => void): Promise<RestartTrial[]> {
  const random = seededRandom(seed + lane);
  const zone = zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), zone);
  const rig: Rig = await startRig(`r2-${lane}`);
  const smtp = await startSmtpSink();
  const wearables = await startWearables({ from: addDays(today, -120), to: addDays(today, 30) });
  const openai = await startFakeOpenAiServer((req) => ({ ...ruleFollowingAnswer(req), delayMs: Math.round(random() * 600) }));
  wearables.oura.faults.latencyMs = () => Math.round(random() * 300);
  smtp.dataDelayMs = () => Math.round(random() * 300);
  const env = serviceEnv({ wearables, openai, smtp });
  const results: RestartTrial[] = [];
  let workerCount = 0;
  let worker: WorkerProcess = rig.startWorker({ name: `l${lane}-w${workerCount++}`, env });
  let exits = 0;
  /** A worker that exits is counted and replaced (a supervisor would restart it too). */
  const supervise = async () => {
    if (worker.alive()) return;
    exits += 1;
    log(`lane ${lane}: the worker exited (${JSON.stringify(await worker.exited)}); starting another (log ${worker.logFile})`);
    worker = rig.startWorker({ name: `l${lane}-w${workerCount++}`, env });
  };
  try {
    await worker.ready;
    for (const { trial, outage } of outages) {
      exits = 0;
      const athlete = `r2-rider-${trial}`;
      await wearables.connect(rig.pool, athlete);
      const block = await startBlock(rig, { athlete, missionId: `r2-t${trial}`, name: `R2 trial ${trial}`, pastDays: 2, futureDays: 2, useLlm: true, timeZone: zone });
      const firstRun = (await block.handle.describe()).runId;
      const day = block.dueDates[Math.floor(random() * block.dueDates.length)]!;
      const drawn = STRIKE_AT[Math.floor(random() * STRIKE_AT.length)]!;
      const step = outage.at ?? drawn;
      await waitFor(
        `trial ${trial}: ${step} of ${day}`,
        async () => {
          const at = await whereIs(rig, block);
          return at.date === null || at.date > day || (at.date === day && at.step === step) ? at : null;
        },
        120_000,
        25,
      );
      await pause(Math.round(random() * 200));
      const struck = await whereIs(rig, block);
      const downAt = Date.now();
      if (outage.server === 'temporal') await rig.temporal.stop();
      else await rig.pg.stop();
      log(`trial ${trial}: ${outage.server} stopped at ${struck.step} of ${struck.date ?? '-'}, down for ${Math.round(outage.downMs / 1000)} s`);
      const until = downAt + outage.downMs;
      while (Date.now() < until) {
        await pause(Math.min(5_000, until - Date.now()));
        await supervise();
      }
      if (outage.server === 'temporal') await rig.temporal.start();
      else await rig.pg.start();
      log(`trial ${trial}: ${outage.server} is back`);
      const deadline = Date.now() + 8 * 60_000;
      await waitFor(
        `trial ${trial}: the block done after the outage`,
        async () => {
          await supervise();
          return waitForBlock(block, 2_000).catch(() => null);
        },
        deadline - Date.now(),
        1_000,
      );
      const recoveryS = (Date.now() - until) / 1000;
      const status = await statusOf(block);
      const description = await block.handle.describe();
      const sameRun = description.runId === firstRun && description.status.name === 'RUNNING' && status?.phase === 'waiting';
      const audit = await auditBlock(rig, block, smtp.messages);
      results.push({ trial, outage, struck, sameRun, workerExits: exits, recoveryS, audit });
      const s = sumAudits([audit]);
      log(`trial ${trial}: done ${recoveryS.toFixed(1)} s after the server came back; lost days ${s.lostDays}, duplicate e-mails ${s.duplicateDeliveries}, statuses ${JSON.stringify(audit.statuses)}${sameRun ? '' : '; the mission is not the same running run'}`);
    }
  } finally {
    await rig.close();
    await Promise.all([smtp.close(), wearables.close(), openai.close()]);
  }
  return results;
}

export async function runRestarts(o: RestartOptions): Promise<TrialReport> {
  const log = progress('R2');
  const started = Date.now();
  const lanes = Math.max(1, Math.min(o.lanes ?? 1, o.outages.length));
  const plan = o.outages.map((outage, i) => ({ trial: i + 1, outage }));
  // The longest outages first, each lane taking the next: the lanes end at about the same time.
  const byLane: { trial: number; outage: Outage }[][] = Array.from({ length: lanes }, () => []);
  const load = new Array<number>(lanes).fill(0);
  for (const p of [...plan].sort((a, b) => b.outage.downMs - a.outage.downMs)) {
    const l = load.indexOf(Math.min(...load));
    byLane[l]!.push(p);
    load[l]! += p.outage.downMs + 60_000;
  }
  const results = (await Promise.all(byLane.map((ps, lane) => runLane(lane, ps.sort((a, b) => a.trial - b.trial), o.seed, log)))).flat().sort((a, b) => a.trial - b.trial);
  const sum = sumAudits(results.map((r) => r.audit));
  const what = (s: Outage['server']) => results.filter((r) => r.outage.server === s).map((r) => `${Math.round(r.outage.downMs / 1000)} s`);
  return {
    id: 'R2',
    title: 'server restarts',
    trials: results.length,
    unit: 'stops',
    figures: [
      { label: 'lost days', value: sum.lostDays, of: sum.days, max: 0 },
      { label: 'duplicate e-mails', value: sum.duplicateDeliveries, max: 0 },
      { label: 'duplicate rows', value: sum.duplicateRows, max: 0 },
      { label: 'half-written reports', value: sum.badReports, max: 0 },
      { label: 'missions not resumed', value: results.filter((r) => !r.sameRun).length, max: 0 },
      { label: 'worker exits', value: results.reduce((n, r) => n + r.workerExits, 0), max: 0 },
    ],
    settings: `Temporal dev server stopped and restarted on its SQLite file (${what('temporal').join(', ') || 'none'} down), PostgreSQL stopped and restarted on its data folder (${what('postgres').join(', ') || 'none'} down), at a random step of a 3-day block; seed ${o.seed}`,
    details: results,
    notes: [],
    durationS: (Date.now() - started) / 1000,
  };
}
