// The choices the keys page offers (and the only values its forms accept).

/** Key expiries, in days (or none: the key works until it is revoked). */
export const EXPIRY_DAYS = [30, 90, 365] as const;
/** Rotation overlaps, in hours: how long the old key keeps working beside the new one. */
export const OVERLAP_HOURS = [0, 1, 24, 168] as const;

export const overlapLabel = (hours: number) =>
  hours === 0 ? 'stop the old key now' : hours < 24 ? `${hours} hour${hours === 1 ? '' : 's'}` : `${hours / 24} day${hours === 24 ? '' : 's'}`;
