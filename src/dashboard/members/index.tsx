// Members, roles, invites and sessions: the owner's page at /members. Every route is the
// owner's; each change is recorded in the Waymark project's trail.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { DEFAULT_PROJECT } from '../../projects/bootstrap';
import { getProject, listProjects } from '../../projects/store';
import { createInvite, listInvites, revokeInvite } from '../../team/invites';
import { listMembers, memberRow, removeMember, setRole } from '../../team/members';
import { isRole } from '../../team/roles';
import { endSession, listSessions, sessionSummary } from '../../team/sessions';
import { sendSectionPage } from '../projects/section-page';
import { audit } from '../session/audit';
import { isSecureRequest } from '../session/cookie';
import { requireRole } from '../session/require-session';
import { MembersPage, type MembersPageProps } from './members-page';

export const members = new Hono<AppEnv>();

/** A new invite's link rides to the next page in a one-minute HttpOnly cookie and is shown once. */
const FLASH_COOKIE = 'wm_new_invite';

async function render(c: Context<AppEnv>, extra: Partial<MembersPageProps> = {}, status = 200) {
  const now = c.var.now();
  const [list, invites, sessions, project, projects] = await Promise.all([
    listMembers(c.var.db),
    listInvites(c.var.db, now),
    listSessions(c.var.db, now),
    getProject(c.env.KV, DEFAULT_PROJECT.id),
    listProjects(c.env.KV),
  ]);
  return sendSectionPage(
    c,
    { project: project ?? projects[0], projects },
    'members',
    'Members',
    <MembersPage members={list} invites={invites} sessions={sessions} currentSession={c.var.session.id} csrf={c.var.session.csrf} now={now} {...extra} />,
    status,
  );
}

members.get('/members', requireRole('owner'), async (c) => {
  const flash = getCookie(c, FLASH_COOKIE);
  let newInvite: MembersPageProps['newInvite'];
  if (flash) {
    deleteCookie(c, FLASH_COOKIE, { path: '/members' });
    try {
      newInvite = JSON.parse(flash);
    } catch {
      newInvite = undefined;
    }
  }
  return render(c, { newInvite });
});

members.post('/members/invites', requireRole('owner'), async (c) => {
  const email = c.var.form?.get('email');
  try {
    const { token, invite } = await createInvite(c.var.db, { email, role: c.var.form?.get('role'), invitedBy: c.var.session.member.id, now: c.var.now() });
    await audit(c, 'member.invited', [{ id: invite.id, type: 'invite', name: invite.email }], { metadata: { email: invite.email, role: invite.role } });
    const link = `${new URL(c.req.url).origin}/invite/${token}`;
    setCookie(c, FLASH_COOKIE, JSON.stringify({ link, email: invite.email, role: invite.role }), {
      path: '/members',
      httpOnly: true,
      sameSite: 'Strict',
      secure: isSecureRequest(c),
      maxAge: 60,
    });
    return c.redirect('/members', 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    return render(c, { inviteError: err.message, inviteEmail: typeof email === 'string' ? email : '' }, 422);
  }
});

members.post('/members/invites/:id/revoke', requireRole('owner'), async (c) => {
  const id = c.req.param('id');
  if (!(await revokeInvite(c.var.db, id, c.var.now()))) throw new AppError('not_found', 'No open invite with that id.');
  await audit(c, 'invite.revoked', [{ id, type: 'invite' }]);
  return c.redirect('/members', 303);
});

members.post('/members/:id/role', requireRole('owner'), async (c) => {
  const role = c.var.form?.get('role');
  if (!isRole(role)) throw new AppError('validation_failed', 'Choose admin or viewer.');
  const { before, member } = await setRole(c.var.db, c.req.param('id'), role);
  await audit(c, 'member.role_changed', [{ id: member.id, type: 'member', name: member.email }], { metadata: { from: before, to: role } });
  return c.redirect('/members', 303);
});

members.post('/members/:id/remove', requireRole('owner'), async (c) => {
  const member = await removeMember(c.var.db, c.req.param('id'));
  await audit(c, 'member.removed', [{ id: member.id, type: 'member', name: member.email }], { metadata: { role: member.role } });
  return c.redirect('/members', 303);
});

members.post('/members/sessions/:sid/end', requireRole('owner'), async (c) => {
  const sid = c.req.param('sid');
  const target = await sessionSummary(c.var.db, sid);
  if (!target || !(await endSession(c.var.db, sid))) throw new AppError('not_found', 'No live session with that id.');
  const member = await memberRow(c.var.db, target.member_id);
  await audit(c, 'session.ended', [
    { id: sid, type: 'session' },
    ...(member ? [{ id: member.id, type: 'member', name: member.email }] : []),
  ]);
  return c.redirect('/members', 303);
});
