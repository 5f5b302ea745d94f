// Legacy list items carry `action: {id: "evt_action_..."}`. WorkOS kept an action
// table; Waymark derives a stable id from the project and the action name instead,
// so the same action always has the same id and no extra storage is needed.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 128-bit FNV-1a over the UTF-16 code units, rendered as 26 Crockford base-32 characters. */
export function actionId(projectId: string, action: string): string {
  const input = `${projectId}\u0000${action}`;
  let h = 0x6c62272e07bb014262b821756295c58dn;
  const prime = 0x0000000001000000000000000000013bn;
  const mask = (1n << 128n) - 1n;
  for (let i = 0; i < input.length; i++) {
    h ^= BigInt(input.charCodeAt(i));
    h = (h * prime) & mask;
  }
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD[Number(h & 31n)] + out;
    h >>= 5n;
  }
  return `evt_action_${out}`;
}
