import type { HubActor } from '@hub/common';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What every API key shows, a unit's or an Open311 client's: who made it, until when it works, what it replaced. */
export interface KeyLife {
  createdAt: string;
  createdBy: string;
  expiresAt: string;
  revokedAt: string | null;
  replaces: string | null;
  live: boolean;
}

export function keyLife(k: { createdAt: Date; createdBy: string; expiresAt: Date; revokedAt: Date | null; replaces: string | null }): KeyLife {
  return {
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    expiresAt: k.expiresAt.toISOString(),
    revokedAt: k.revokedAt ? k.revokedAt.toISOString() : null,
    replaces: k.replaces,
    live: k.revokedAt === null && k.expiresAt.getTime() > Date.now(),
  };
}

/** A new key works for `expiresInDays` (a year unless given). */
export const keyExpiry = (expiresInDays: number | undefined): Date => new Date(Date.now() + (expiresInDays ?? 365) * DAY_MS);

/** A rotated key keeps working next to its successor for `overlapHours` (a week unless given). */
export const overlapEnd = (overlapHours: number | undefined): Date => new Date(Date.now() + (overlapHours ?? 168) * HOUR_MS);

/** Who did it, as the audit and the keys' `createdBy` name them. */
export const actorRef = (a: HubActor): string => `${a.role}:${a.id}`;
