// /account: every member's own page (set or change their password, add a passkey). The owner
// proves a first password change with the deployment's admin password; from then on that
// password no longer signs anyone in.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { constantTimeEqual } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { DEFAULT_PROJECT } from '../../projects/bootstrap';
import { getProject, listProjects } from '../../projects/store';
import { memberRow, setPasswordHash } from '../../team/members';
import { parseResponse, passkeyIds, registrationOptions, relyingParty, verifyRegistration } from '../../team/passkeys';
import { hashPassword, passwordProblem, verifyPassword } from '../../team/passwords';
import { sendSectionPage } from '../projects/section-page';
import { audit } from '../session/audit';
import { requireRole } from '../session/require-session';
import { AccountPage } from './account-page';

export const account = new Hono<AppEnv>();

async function render(c: Context<AppEnv>, extra: { error?: string; notice?: string } = {}, status = 200) {
  const me = c.var.session.member;
  const [row, keys, project, projects] = await Promise.all([
    memberRow(c.var.db, me.id),
    passkeyIds(c.var.db, me.id),
    getProject(c.env.KV, DEFAULT_PROJECT.id),
    listProjects(c.env.KV),
  ]);
  return sendSectionPage(
    c,
    { project: project ?? projects[0], projects },
    'account',
    'Account',
    <AccountPage member={me} hasPassword={!!row?.password_hash} passkeys={keys.length} csrf={c.var.session.csrf} {...extra} />,
    status,
  );
}

account.get('/account', requireRole('viewer'), async (c) => render(c, { notice: c.req.query('done') === 'password' ? 'Password saved.' : c.req.query('done') === 'passkey' ? 'Passkey added.' : undefined }));

account.post('/account/password', requireRole('viewer'), async (c) => {
  const me = c.var.session.member;
  const row = await memberRow(c.var.db, me.id);
  const current = String(c.var.form?.get('current') ?? '');
  const password = String(c.var.form?.get('password') ?? '');
  const currentOk = row?.password_hash
    ? await verifyPassword(current, row.password_hash)
    : me.role === 'owner'
      ? await constantTimeEqual(current, c.env.ADMIN_PASSWORD ?? '')
      : true; // a passkey-only member, signed in with their passkey, sets a first password
  if (!currentOk) return render(c, { error: 'The current password is not right.' }, 422);
  const problem = passwordProblem(password);
  if (problem) return render(c, { error: problem }, 422);
  await setPasswordHash(c.var.db, me.id, await hashPassword(password));
  await audit(c, 'member.password_changed', [{ id: me.id, type: 'member', name: me.email }]);
  return c.redirect('/account?done=password', 303);
});

account.post('/account/passkey/options', requireRole('viewer'), async (c) => {
  const me = c.var.session.member;
  const exclude = await passkeyIds(c.var.db, me.id);
  return c.json(await registrationOptions(c.var.db, relyingParty(c.req.url), { subject: me.id, email: me.email, name: me.name, exclude, now: c.var.now() }));
});

account.post('/account/passkey', requireRole('viewer'), async (c) => {
  const me = c.var.session.member;
  try {
    const response = parseResponse<RegistrationResponseJSON>(c.var.form?.get('response'));
    const passkey = await verifyRegistration(c.var.db, relyingParty(c.req.url), { subject: me.id, response, now: c.var.now() });
    await c.var.db.$client.batch([passkey.store(me.id)]);
    await audit(c, 'member.passkey_added', [{ id: me.id, type: 'member', name: me.email }, { id: passkey.credentialId.slice(0, 64), type: 'passkey' }]);
    return c.redirect('/account?done=passkey', 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    return render(c, { error: err.message }, 422);
  }
});
