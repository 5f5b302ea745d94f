// Accepting an invite: /invite/:token shows the invite; the invitee joins with a password or
// a passkey, once (the link stops working when used, revoked or expired), and is signed in.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { acceptInvite, openInvite, validName, type Invite } from '../../team/invites';
import { memberRow } from '../../team/members';
import { parseResponse, registrationOptions, relyingParty, verifyRegistration } from '../../team/passkeys';
import { hashPassword, passwordProblem } from '../../team/passwords';
import { sendHtml } from '../render';
import { audit } from './audit';
import { startSession } from './cookie';
import { checkOrigin } from './csrf';
import { InvitePage } from './invite-page';

export const invites = new Hono<AppEnv>();

async function loadInvite(c: Context<AppEnv>): Promise<{ invite: Invite; token: string }> {
  const token = c.req.param('token') ?? '';
  const invite = await openInvite(c.var.db, token, c.var.now());
  if (!invite) throw new AppError('not_found', 'This invite link is not valid: it has been used, revoked, or has expired. Ask the owner for a new one.');
  return { invite, token };
}

async function joined(c: Context<AppEnv>, invite: Invite, memberId: string, method: 'password' | 'passkey') {
  const member = (await memberRow(c.var.db, memberId))!;
  await startSession(c, member.id);
  await audit(c, 'member.joined', [{ id: member.id, type: 'member', name: member.email }], {
    actor: member,
    metadata: { role: member.role, invite: invite.id, method },
  });
  return c.redirect('/', 303);
}

invites.get('/invite/:token', async (c) => {
  const { invite, token } = await loadInvite(c);
  c.header('Referrer-Policy', 'no-referrer');
  return sendHtml(c, <InvitePage invite={invite} token={token} />);
});

invites.post('/invite/:token', async (c) => {
  await checkOrigin(c);
  const { invite, token } = await loadInvite(c);
  const form = await c.req.formData().catch(() => null);
  const rawName = String(form?.get('name') ?? '');
  const password = String(form?.get('password') ?? '');
  try {
    const name = validName(rawName);
    const problem = passwordProblem(password);
    if (problem) throw new AppError('validation_failed', problem);
    const { memberId } = await acceptInvite(c.var.db, { invite, name, passwordHash: await hashPassword(password), now: c.var.now() });
    return await joined(c, invite, memberId, 'password');
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    return sendHtml(c, <InvitePage invite={invite} token={token} name={rawName} error={err.message} />, 422);
  }
});

invites.post('/invite/:token/passkey/options', async (c) => {
  await checkOrigin(c);
  const { invite } = await loadInvite(c);
  const form = await c.req.formData().catch(() => null);
  let name: string;
  try {
    name = validName(form?.get('name'));
  } catch (err) {
    // The page's script shows this message beside the button.
    if (err instanceof AppError) return c.json({ message: err.message }, 422);
    throw err;
  }
  return c.json(
    await registrationOptions(c.var.db, relyingParty(c.req.url), { subject: invite.id, email: invite.email, name, exclude: [], now: c.var.now() }),
  );
});

invites.post('/invite/:token/passkey', async (c) => {
  await checkOrigin(c);
  const { invite, token } = await loadInvite(c);
  const form = await c.req.formData().catch(() => null);
  const rawName = String(form?.get('name') ?? '');
  try {
    const name = validName(rawName);
    const response = parseResponse<RegistrationResponseJSON>(form?.get('response'));
    const passkey = await verifyRegistration(c.var.db, relyingParty(c.req.url), { subject: invite.id, response, now: c.var.now() });
    const { memberId } = await acceptInvite(c.var.db, { invite, name, passwordHash: null, now: c.var.now(), extra: (id) => [passkey.store(id)] });
    return await joined(c, invite, memberId, 'passkey');
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    return sendHtml(c, <InvitePage invite={invite} token={token} name={rawName} error={err.message} />, 422);
  }
});
