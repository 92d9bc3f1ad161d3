/**
 * R1 — worker kills. Each trial starts a block of three due days (plus two to come; the mission
 * continues as new after two days), sends a reflection and an override while it runs, picks a day
 * and a step of it at random (observe, reason, plan, deliver, or between two days), waits until
 * the block is there, waits a random moment more, and SIGKILLs the worker process; a new worker
 * process starts at once. The block must then complete: every due day once (ok or degraded), one
 * e-mail per day at the SMTP sink, one row per day and key in PostgreSQL, every report whole.
 *
 * The fakes answer with random latency (Oura, Strava, the model, the SMTP server), so each step
 * lasts long enough to be struck in its middle; the step actually struck is read back from the
 * histories right after the kill and reported.
 */
import { overrideUpdate, reflectSignal } from '../../src/shared/mission-api';
import { addDays } from '../../src/domain/iso-date';
import { localDate } from '../../src/domain/schedule';
import { zoneAtLocalNoon } from '../../tests/support/mission-client';
import { startSmtpSink } from '../../tests/support/smtp-sink';
import { ruleFollowingAnswer, startFakeOpenAiServer } from '../../tests/support/fake-openai-server';
import { auditBlock, startBlock, sumAudits, waitForBlock, type BlockAudit } from './block';
import { STEPS, whereIs, type Step } from './steps';
import { pause, startRig, waitFor, type WorkerProcess } from './rig';
import { serviceEnv, startWearables } from './wearables';
import { progress, seededRandom, type TrialReport } from './figures';

export interface KillTrial {
  trial: number;
  target: { day: number; step: Step };
  /** Where the block was when the worker died (read from the histories after the kill). */
  struck: { date: string | null; step: Step };
  delayMs: number;
  /** From the kill to the last due day done. */
  recoveryS: number;
  overrideAccepted: boolean | null;
  audit: BlockAudit;
}

export interface WorkerKillOptions {
  trials: number;
  seed: number;
  /** Days before today in each block (they run late, one after another, then today). */
  pastDays?: number;
}

export async function runWorkerKills(o: WorkerKillOptions): Promise<TrialReport> {
  const log = progress('R1');
  const started = Date.now();
  const random = seededRandom(o.seed);
  const pastDays = o.pastDays ?? 2;
  const zone = zoneAtLocalNoon(Date.now());
  const today = localDate(Date.now(), zone);
  const rig = await startRig('r1');
  const smtp = await startSmtpSink();
  const wearables = await startWearables({ from: addDays(today, -120), to: addDays(today, 30) });
  const openai = await startFakeOpenAiServer((req) => ({ ...ruleFollowingAnswer(req), delayMs: Math.round(random() * 800) }));
  // Latency everywhere, so a kill can land inside a step rather than between two.
  wearables.oura.faults.latencyMs = () => Math.round(random() * 300);
  wearables.strava.faults.latencyMs = () => Math.round(random() * 300);
  smtp.dataDelayMs = () => Math.round(random() * 500);
  const env = serviceEnv({ wearables, openai, smtp });
  const trials: KillTrial[] = [];
  let worker: WorkerProcess = rig.startWorker({ name: 'w0', env });
  try {
    await worker.ready;
    for (let t = 1; t <= o.trials; t++) {
      const athlete = `r1-rider-${t}`;
      await wearables.connect(rig.pool, athlete);
      const target = { day: Math.floor(random() * (pastDays + 1)), step: STEPS[Math.floor(random() * STEPS.length)]! };
      // "Between days" after the last due day is the mission waiting for tomorrow: strike after an earlier day.
      if (target.step === 'between days' && target.day === pastDays) target.day = Math.floor(random() * pastDays);
      const delayMs = target.step === 'between days' ? Math.round(random() * 40) : Math.round(random() * 250);
      const block = await startBlock(rig, { athlete, missionId: `r1-t${t}`, name: `R1 trial ${t}`, pastDays, futureDays: 2, useLlm: true, maxDaysPerRun: 2, timeZone: zone });
      // The athlete writes while the block catches up: the kill may also strike these handlers' writes.
      await block.handle.signal(reflectSignal, { date: block.dueDates[0]!, rpe: 6, legs: 3, mood: 4, sleepQuality: 3, completed: 'yes', note: `trial ${t}` });
      const override = block.handle
        .executeUpdate(overrideUpdate, { args: [{ kind: 'rest-day', date: addDays(block.dueDates[block.dueDates.length - 1]!, 2), reason: `trial ${t}` }] })
        .then(
          () => true,
          () => false,
        );

      const targetDate = block.dueDates[target.day]!;
      await waitFor(
        `trial ${t}: ${target.step} of ${targetDate}`,
        async () => {
          const at = await whereIs(rig, block);
          if (target.step === 'between days') return at.date !== null && at.date > targetDate ? at : null;
          if (at.date === null || at.date > targetDate) return at; // went past it (too quick to see): strike now
          return at.date === targetDate && at.step === target.step ? at : null;
        },
        120_000,
        25,
      );
      await pause(delayMs);
      await worker.kill('SIGKILL');
      const killedAt = Date.now();
      const struck = await whereIs(rig, block);
      worker = rig.startWorker({ name: `w${t}`, env });
      log(`trial ${t}/${o.trials}: killed the worker at ${struck.step} of ${struck.date ?? '-'} (aimed at ${target.step} of ${targetDate}, +${delayMs} ms)`);
      await waitForBlock(block, 8 * 60_000);
      const recoveryS = (Date.now() - killedAt) / 1000;
      const overrideAccepted = await Promise.race([override, pause(60_000).then(() => null)]);
      const audit = await auditBlock(rig, block, smtp.messages);
      trials.push({ trial: t, target: { day: target.day, step: target.step }, struck, delayMs, recoveryS, overrideAccepted, audit });
      const s = sumAudits([audit]);
      log(`trial ${t}: recovered in ${recoveryS.toFixed(1)} s; lost days ${s.lostDays}, duplicate e-mails ${s.duplicateDeliveries}, duplicate rows ${s.duplicateRows}, bad reports ${s.badReports}`);
    }
  } finally {
    await rig.close();
    await Promise.all([smtp.close(), wearables.close(), openai.close()]);
  }
  const sum = sumAudits(trials.map((t) => t.audit));
  const struckSteps: Record<string, number> = {};
  for (const t of trials) struckSteps[t.struck.step] = (struckSteps[t.struck.step] ?? 0) + 1;
  const recoveries = trials.map((t) => t.recoveryS).sort((a, b) => a - b);
  return {
    id: 'R1',
    title: 'worker kills',
    trials: trials.length,
    unit: 'kills',
    figures: [
      { label: 'lost days', value: sum.lostDays, of: sum.days, max: 0 },
      { label: 'duplicate e-mails', value: sum.duplicateDeliveries, max: 0 },
      { label: 'missing e-mails', value: sum.missingDeliveries, max: 0 },
      { label: 'duplicate rows', value: sum.duplicateRows, max: 0 },
      { label: 'half-written reports', value: sum.badReports, max: 0 },
    ],
    settings: `${pastDays + 1} due days per block (continue-as-new after 2), SIGKILL at a random step (+0–250 ms), new worker process at once; seed ${o.seed}; steps struck: ${Object.entries(struckSteps).map(([k, v]) => `${k} ${v}`).join(', ')}; recovery median ${recoveries[Math.floor(recoveries.length / 2)]?.toFixed(0) ?? '-'} s, max ${recoveries[recoveries.length - 1]?.toFixed(0) ?? '-'} s`,
    details: trials,
    notes: [],
    durationS: (Date.now() - started) / 1000,
  };
}
