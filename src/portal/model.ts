// A customer viewer's session as the rest of the Worker sees it (no imports, so the request
// context can name it without depending on how sessions are stored).

/** One organization of one project, readable until `expiresAt` (ms since the epoch). */
export interface ViewerSession {
  id: string;
  linkId: string;
  projectId: string;
  organizationId: string;
  returnUrl: string | null;
  expiresAt: number;
}
