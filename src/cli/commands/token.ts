/**
 * `lanterne token add|list|revoke`: scoped dashboard tokens. A coach's token sees the missions of
 * every athlete coached by that name; an athlete's token that athlete's only. The token is printed
 * once, when made; PostgreSQL keeps only its SHA-256 digest. The owner's token (DASHBOARD_TOKEN,
 * or the file `up` writes) is not one of these: it sees everything.
 */
import type { Command } from 'commander';
import type { AccessTokenRecord } from '../../memory';
import { UserError } from '../../infra/user-error';
import { action, output, withMemory } from '../cli-support';
import { athleteHandle, coachName, tokenId, typedArgument, typedOption } from './arguments';
import { table } from './formatting';

function tokenJson(r: AccessTokenRecord) {
  return { id: r.id, scope: r.scope, subject: r.subject, label: r.label, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, revokedAt: r.revokedAt };
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('scoped dashboard tokens: a coach sees their athletes, an athlete their own missions');

  token
    .command('add')
    .description('make a dashboard token for a coach or an athlete; it is printed once and stored only as a digest')
    .addOption(typedOption('--coach <name>', 'a coach: sees every athlete whose coach is this name (lanterne athlete add|update --coach)', coachName))
    .addOption(typedOption('--athlete <handle>', 'an athlete: sees their own missions only', athleteHandle))
    .option('--label <text>', 'what the token is for (shown by `token list`)')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { coach?: string; athlete?: string; label?: string; json?: boolean }) => {
        if (o.coach && o.athlete) throw new UserError('give --coach or --athlete, not both', 'a token has one scope: `lanterne token add --coach <name>` or `lanterne token add --athlete <handle>`');
        if (!o.coach && !o.athlete) throw new UserError('token add needs --coach <name> or --athlete <handle>', 'a coach’s token sees their athletes, an athlete’s token their own missions');
        if (o.label !== undefined && (o.label.length > 200 || /[\u0000-\u001f]/.test(o.label))) throw new UserError('--label must be one line of at most 200 characters');
        const made = await withMemory(async (memory) => {
          let sees: string[];
          if (o.athlete) {
            if (!(await memory.athletes.get(o.athlete))) throw new UserError(`no athlete ${JSON.stringify(o.athlete)}`, 'see `lanterne athlete list`, or add one with `lanterne athlete add <handle>`');
            sees = [o.athlete];
          } else {
            sees = (await memory.athletes.list(o.coach)).map((a) => a.handle);
          }
          const { token: secret, record } = await memory.tokens.create(o.coach ? 'coach' : 'athlete', (o.coach ?? o.athlete)!, o.label ?? null);
          return { secret, record, sees };
        });
        const who = made.record.scope === 'coach' ? `coach ${made.record.subject}` : `athlete ${made.record.subject}`;
        output(Boolean(o.json), { ...tokenJson(made.record), token: made.secret, sees: made.sees }, () =>
          [
            `token ${made.record.id} for ${who}`,
            `  ${made.secret}`,
            'Shown once: keep it now (only its digest is stored). Type it into the dashboard’s sign-in page, or send it as `Authorization: Bearer <token>`.',
            made.record.scope === 'coach'
              ? made.sees.length
                ? `It sees the missions of ${made.sees.join(', ')} (and of any athlete given this coach later).`
                : `No athlete has coach ${made.record.subject} yet: \`lanterne athlete update <handle> --coach ${made.record.subject}\`.`
              : `It sees the missions of ${made.record.subject} only.`,
            `End it with \`lanterne token revoke ${made.record.id}\`.`,
          ].join('\n'),
        );
      }),
    );

  token
    .command('list')
    .description('the scoped tokens: id, scope, label, when made, last used and revoked (never the tokens)')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const rows = await withMemory((memory) => memory.tokens.list());
        output(Boolean(o.json), rows.map(tokenJson), () =>
          rows.length === 0
            ? 'no scoped token yet\n  → `lanterne token add --coach <name>` or `lanterne token add --athlete <handle>` (the owner’s token is DASHBOARD_TOKEN or the file `up` writes)'
            : table(
                ['id', 'scope', 'subject', 'label', 'created', 'last used', 'revoked'],
                rows.map((r) => [r.id, r.scope, r.subject, r.label, r.createdAt.slice(0, 16), r.lastUsedAt?.slice(0, 16) ?? null, r.revokedAt?.slice(0, 16) ?? null]),
              ),
        );
      }),
    );

  token
    .command('revoke')
    .addArgument(typedArgument('<id>', 'the token’s id (tok_…), as `lanterne token list` shows it', tokenId))
    .description('end a scoped token at once (its dashboard sessions end too)')
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, o: { json?: boolean }) => {
        const revoked = await withMemory((memory) => memory.tokens.revoke(id));
        if (!revoked) throw new UserError(`no token ${id}`, 'see `lanterne token list`');
        output(Boolean(o.json), tokenJson(revoked), () => `revoked ${revoked.id} (${revoked.scope} ${revoked.subject}) at ${revoked.revokedAt}`);
      }),
    );
}
