import { createSmtpMailer } from '../../../src/communication/mailer';
import { createGatewaySender, fitText, renderSmsText, SMS_MAX_CHARS, toSmsSafeText } from '../../../src/communication/sms';
import { startSmtpSink } from '../../support/smtp-sink';
import { sampleReport } from './fixtures';

describe('SMS text', () => {
  it('fits in one 160-character SMS of plain characters and leads with the decision', () => {
    const text = renderSmsText(sampleReport());
    expect(text.length).toBeLessThanOrEqual(SMS_MAX_CHARS);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toMatch(/^Lanterne 07-09 Stage 5: Lower the intensity\. Sweet-spot time-trial rehearsal, 60 min, TSS 58/);
  });

  it('cuts long content at a word with "..." and never exceeds 160 characters', () => {
    const r = sampleReport();
    r.workout = { ...r.workout!, title: 'Very long workout title '.repeat(12) };
    const text = renderSmsText(r);
    expect(text.length).toBeLessThanOrEqual(160);
    expect(text.endsWith('...')).toBe(true);
    expect(text).not.toMatch(/\s\.\.\.$/);
    for (let n = 150; n < 400; n += 7) expect(fitText('word '.repeat(n)).length).toBeLessThanOrEqual(160);
    expect(fitText('short')).toBe('short');
  });

  it('folds accents and typographic punctuation so the SMS stays in GSM-7', () => {
    expect(toSmsSafeText('Lille Métropole › Évian — “Col” 1–2 🚴')).toBe('Lille Metropole > Evian - "Col" 1-2');
    const r = sampleReport();
    r.day = { ...r.day, stage: 1, name: 'Lille Métropole' };
    r.classes = [{ ...r.classes[0]!, title: 'Côte d’Azur Climb 🚴' }];
    const text = renderSmsText(r);
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text).toContain("Cote d'Azur Climb");
  });
});

describe('carrier e-mail-to-SMS gateway', () => {
  it('sends the short text as a plain e-mail to the gateway address', async () => {
    const sink = await startSmtpSink();
    try {
      const mailer = createSmtpMailer({ host: sink.host, port: sink.port, secure: false, user: null, password: null, from: 'coach@example.com' });
      const sender = createGatewaySender(mailer, '5551234567@vtext.com', 'coach@example.com');
      const text = renderSmsText(sampleReport());
      const sent = await sender.send(text, { scope: 'tdf2025', day: '2025-07-09', channel: 'sms' });
      mailer.close();
      expect(sink.messages).toHaveLength(1);
      const m = sink.messages[0]!;
      expect(m.envelopeTo).toEqual(['5551234567@vtext.com']);
      expect(m.html).toBeNull();
      expect(m.parts).toHaveLength(1);
      expect(m.text!.trim()).toBe(text);
      expect(m.text!.trim().length).toBeLessThanOrEqual(160);
      expect(m.messageId).toBe(sent.providerId);
    } finally {
      await sink.close();
    }
  });
});
