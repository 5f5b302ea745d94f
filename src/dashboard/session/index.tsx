// Sign-in and sign-out: /login (email and password, throttled per address and per account;
// or a passkey) and /logout, which ends the session on the server at once.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { constantTimeEqual } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { DEFAULT_OWNER_EMAIL, OWNER_ID, ensureOwner, memberByEmail, memberRow, normalizeEmail } from '../../team/members';
import { hashPassword, verifyPassword } from '../../team/passwords';
import { parseResponse, relyingParty, signInOptions, verifySignIn } from '../../team/passkeys';
import { FAILURE_DELAY_MS, claimAttempt, claimChallenge, clearAttempts } from '../../team/throttle';
import { sendHtml } from '../render';
import { audit } from './audit';
import { clientAddress, endSession, readSession, startSession } from './cookie';
import { checkOrigin } from './csrf';
import { safeNext } from '../safe-next';
import { LoginPage } from './login-page';
import { requireSession } from './require-session';

export const session = new Hono<AppEnv>();

const ownerEmail = (c: Context<AppEnv>) => normalizeEmail(c.env.OWNER_EMAIL ?? DEFAULT_OWNER_EMAIL);

/** A hash to check when no member matches, so a wrong email costs as long as a wrong password. */
let decoy: Promise<string> | null = null;

/**
 * The member these credentials sign in, or null. The owner signs in with ADMIN_PASSWORD
 * (their email, or a blank email) until they set a password of their own.
 */
async function checkCredentials(c: Context<AppEnv>, email: string, password: string): Promise<string | null> {
  const db = c.var.db;
  const owner = (await memberRow(db, OWNER_ID)) ?? null;
  const isOwner = email === '' || email === (owner?.email ?? ownerEmail(c));
  if (isOwner && !owner?.password_hash) {
    const admin = c.env.ADMIN_PASSWORD;
    if (!admin) throw new AppError('server_misconfigured', 'ADMIN_PASSWORD is not set: the dashboard is disabled.');
    if (!(await constantTimeEqual(password, admin))) return null;
    return (await ensureOwner(db, ownerEmail(c), c.var.now())).id;
  }
  const member = isOwner ? owner : await memberByEmail(db, email);
  if (!member?.password_hash) {
    decoy ??= hashPassword('decoy password');
    await verifyPassword(password, await decoy);
    return null;
  }
  return (await verifyPassword(password, member.password_hash)) ? member.id : null;
}

session.get('/login', async (c) => {
  if (await readSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
  return sendHtml(c, <LoginPage next={safeNext(c.req.query('next'))} />);
});

session.post('/login', async (c) => {
  await checkOrigin(c, 'Sign-in from another site was refused.');
  const form = await c.req.formData().catch(() => null);
  const field = (name: string) => (typeof form?.get(name) === 'string' ? (form!.get(name) as string) : '');
  const password = field('password');
  const email = normalizeEmail(field('email')).slice(0, 254);
  const next = safeNext(form?.get('next'));
  const address = clientAddress(c);
  const tried = email || ownerEmail(c);
  const wait = await claimAttempt(c.var.db, { address, email: tried, now: c.var.now() });
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60_000);
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return sendHtml(c, <LoginPage next={next} email={email} error={`Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`} />, 429);
  }
  const memberId = await checkCredentials(c, email, password);
  if (!memberId) {
    await audit(c, 'dashboard.sign_in_failed', [{ id: tried, type: 'email', name: tried }], {
      actor: { id: 'anonymous', email: tried, name: 'Unknown' },
      metadata: { email_tried: tried, method: 'password' },
    });
    await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
    return sendHtml(c, <LoginPage next={next} email={email} error="That email or password is not right." />, 401);
  }
  await clearAttempts(c.var.db, { address, email: tried });
  return signedIn(c, memberId, 'password', next);
});

async function signedIn(c: Context<AppEnv>, memberId: string, method: 'password' | 'passkey', next: string) {
  const member = await memberRow(c.var.db, memberId);
  if (!member) throw new AppError('forbidden', 'This account no longer exists.');
  await startSession(c, member.id);
  await audit(c, 'dashboard.signed_in', [{ id: member.id, type: 'member', name: member.email }], {
    actor: member,
    metadata: { method },
  });
  return c.redirect(next, 303);
}

/** Passkey sign-in, step 1: a challenge for the browser's authenticator. */
session.post('/login/passkey/options', async (c) => {
  await checkOrigin(c, 'Sign-in from another site was refused.');
  const wait = await claimChallenge(c.var.db, { address: clientAddress(c), now: c.var.now() });
  if (wait > 0) {
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return c.json({ message: 'Too many passkey sign-in attempts. Try again later.' }, 429);
  }
  return c.json(await signInOptions(c.var.db, relyingParty(c.req.url), c.var.now()));
});

/** Passkey sign-in, step 2: the authenticator's answer (a form field `response`, JSON). */
session.post('/login/passkey', async (c) => {
  await checkOrigin(c, 'Sign-in from another site was refused.');
  const form = await c.req.formData().catch(() => null);
  const next = safeNext(form?.get('next'));
  try {
    const response = parseResponse<AuthenticationResponseJSON>(form?.get('response'));
    const memberId = await verifySignIn(c.var.db, relyingParty(c.req.url), { response, now: c.var.now() });
    return await signedIn(c, memberId, 'passkey', next);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    return sendHtml(c, <LoginPage next={next} error={err.message} />, 401);
  }
});

session.post('/logout', requireSession, async (c) => {
  const current = c.var.session;
  await endSession(c, current);
  await audit(c, 'dashboard.signed_out', [{ id: current.id, type: 'session' }]);
  return c.redirect('/login', 303);
});
