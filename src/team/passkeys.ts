// Passkeys (WebAuthn) with @simplewebauthn/server, which runs on Workers (WebCrypto only).
// Challenges are single-use rows (deleted when a response is checked) that expire in five
// minutes; credentials are discoverable, so signing in with a passkey needs no email.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { sql } from 'drizzle-orm';
import { base64url } from '../lib/crypto';
import { statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const RP_NAME = 'Waymark';
const MAX_RESPONSE_CHARS = 16_384;

/** Where WebAuthn runs: the dashboard's own origin and host name (an IP address cannot be an RP ID: use localhost). */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export const relyingParty = (requestUrl: string): RelyingParty => {
  const url = new URL(requestUrl);
  return { origin: url.origin, rpID: url.hostname };
};

const refused = (message = 'The passkey could not be verified. Try again.') => new AppError('validation_failed', message);

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

async function saveChallenge(db: Db, challenge: string, purpose: 'register' | 'sign-in', subject: string | null, now: number) {
  await db.$client.batch([
    statement(db, sql`DELETE FROM webauthn_challenges WHERE challenge IN (
      SELECT challenge FROM webauthn_challenges WHERE expires_at <= ${now} LIMIT 50)`),
    statement(db, sql`INSERT INTO webauthn_challenges (challenge, purpose, subject, expires_at)
      VALUES (${challenge}, ${purpose}, ${subject}, ${now + CHALLENGE_TTL_MS})`),
  ]);
}

/** Takes (deletes) the challenge the response answers, if this server issued it for this purpose and subject. */
async function takeChallenge(db: Db, clientDataJSON: string, purpose: string, subject: string | null, now: number): Promise<string> {
  let challenge: unknown;
  try {
    challenge = JSON.parse(new TextDecoder().decode(fromBase64url(clientDataJSON))).challenge;
  } catch {
    throw refused();
  }
  if (typeof challenge !== 'string') throw refused();
  const row = await statement(
    db,
    sql`DELETE FROM webauthn_challenges WHERE challenge = ${challenge} AND purpose = ${purpose}
      AND subject IS ${subject} AND expires_at > ${now} RETURNING challenge`,
  ).first<{ challenge: string }>();
  if (!row) throw refused('This passkey request has expired. Try again.');
  return row.challenge;
}

/** Reads a browser's JSON response from a form field. */
export function parseResponse<T>(raw: unknown): T {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_RESPONSE_CHARS) throw refused();
  try {
    const value = JSON.parse(raw) as { id?: unknown; response?: { clientDataJSON?: unknown } };
    if (typeof value.id !== 'string' || typeof value.response?.clientDataJSON !== 'string') throw refused();
    return value as T;
  } catch {
    throw refused();
  }
}

export async function registrationOptions(
  db: Db,
  rp: RelyingParty,
  input: { subject: string; email: string; name: string; exclude: string[]; now: number },
) {
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpID,
    userName: input.email,
    userDisplayName: input.name,
    userID: new TextEncoder().encode(input.subject),
    attestationType: 'none',
    excludeCredentials: input.exclude.map((id) => ({ id })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  await saveChallenge(db, options.challenge, 'register', input.subject, input.now);
  return options;
}

/** Checks a registration; returns the statement that stores the passkey (for the caller's batch). */
export async function verifyRegistration(
  db: Db,
  rp: RelyingParty,
  input: { subject: string; response: RegistrationResponseJSON; now: number },
): Promise<{ store: (memberId: string) => D1PreparedStatement; credentialId: string }> {
  const expectedChallenge = await takeChallenge(db, input.response.response.clientDataJSON, 'register', input.subject, input.now);
  const result = await verifyRegistrationResponse({
    response: input.response,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw refused();
  const { credential } = result.registrationInfo;
  return {
    credentialId: credential.id,
    // Written only while the member exists (an invite's member is made in the same batch).
    store: (memberId) =>
      statement(
        db,
        sql`INSERT INTO passkeys (id, member_id, public_key, counter, transports, created_at)
          SELECT ${credential.id}, ${memberId}, ${base64url(credential.publicKey)}, ${credential.counter},
            ${JSON.stringify(credential.transports ?? [])}, ${input.now}
          WHERE EXISTS (SELECT 1 FROM members WHERE id = ${memberId})`,
      ),
  };
}

export async function signInOptions(db: Db, rp: RelyingParty, now: number) {
  const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'preferred', allowCredentials: [] });
  await saveChallenge(db, options.challenge, 'sign-in', null, now);
  return options;
}

/** Checks a passkey sign-in; returns the member it belongs to. */
export async function verifySignIn(db: Db, rp: RelyingParty, input: { response: AuthenticationResponseJSON; now: number }): Promise<string> {
  const expectedChallenge = await takeChallenge(db, input.response.response.clientDataJSON, 'sign-in', null, input.now);
  const row = await db.get<{ id: string; member_id: string; public_key: string; counter: number; transports: string | null }>(
    sql`SELECT id, member_id, public_key, counter, transports FROM passkeys WHERE id = ${input.response.id}`,
  );
  if (!row) throw refused('This passkey is not registered here.');
  const result = await verifyAuthenticationResponse({
    response: input.response,
    expectedChallenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: { id: row.id, publicKey: fromBase64url(row.public_key), counter: row.counter, transports: JSON.parse(row.transports ?? '[]') },
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const }));
  if (!result.verified) throw refused();
  await db.run(sql`UPDATE passkeys SET counter = ${result.authenticationInfo.newCounter} WHERE id = ${row.id}`);
  return row.member_id;
}

export async function passkeyIds(db: Db, memberId: string): Promise<string[]> {
  return (await db.all<{ id: string }>(sql`SELECT id FROM passkeys WHERE member_id = ${memberId} LIMIT 50`)).map((r) => r.id);
}
