// Organizations and Audit Logs retention through WorkOS's real Node SDKs, unchanged: 11.x
// (`@workos-inc/node`) and 7.x (`workos-node-7`) call every organizations method; 11.x also
// reads and sets retention (7.x has no retention methods).
import { NotFoundException, UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { WorkOS as WorkOS7 } from 'workos-node-7';
import { describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const options = { apiHostname: url.hostname, port: Number(url.port), https: false };
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe('organizations with @workos-inc/node 11', () => {
  const workos = new WorkOS(E2E_VARS.DEFAULT_PROJECT_SECRET_KEY, options);

  it('createOrganization, getOrganization, getOrganizationByExternalId, updateOrganization, listOrganizations, deleteOrganization', async () => {
    const created = await workos.organizations.createOrganization({
      name: `SDK 11 Corp ${run}`,
      externalId: `ext-11-${run}`,
      domainData: [{ domain: `sdk11-${run}.example.com`, state: 'verified' as never }],
      metadata: { tier: 'gold' },
    });
    expect(created).toMatchObject({ object: 'organization', name: `SDK 11 Corp ${run}`, externalId: `ext-11-${run}`, metadata: { tier: 'gold' } });
    expect(created.domains).toEqual([expect.objectContaining({ domain: `sdk11-${run}.example.com`, state: 'verified', organizationId: created.id })]);

    expect((await workos.organizations.getOrganization(created.id)).name).toBe(`SDK 11 Corp ${run}`);
    expect((await workos.organizations.getOrganizationByExternalId(`ext-11-${run}`)).id).toBe(created.id);

    const updated = await workos.organizations.updateOrganization({ organization: created.id, name: `SDK 11 Renamed ${run}`, metadata: { tier: 'silver' } });
    expect(updated).toMatchObject({ id: created.id, name: `SDK 11 Renamed ${run}`, metadata: { tier: 'silver' } });

    const more = [];
    for (let i = 0; i < 3; i++) more.push(await workos.organizations.createOrganization({ name: `SDK 11 Page ${run} ${i}` }));
    const page = await workos.organizations.listOrganizations({ limit: 2 });
    expect(page.data.map((o) => o.id)).toEqual([more[2].id, more[1].id]);
    expect(page.listMetadata.after).toBe(more[1].id);
    const next = await workos.organizations.listOrganizations({ limit: 2, after: page.listMetadata.after! });
    expect(next.data.map((o) => o.id)).toEqual([more[0].id, created.id]);
    const all = await (await workos.organizations.listOrganizations()).autoPagination();
    expect(all.map((o) => o.id)).toEqual(expect.arrayContaining([created.id, ...more.map((o) => o.id)]));
    const byDomain = await workos.organizations.listOrganizations({ domains: [`sdk11-${run}.example.com`] });
    expect(byDomain.data.map((o) => o.id)).toEqual([created.id]);

    await workos.organizations.deleteOrganization(created.id);
    await expect(workos.organizations.getOrganization(created.id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.organizations.createOrganization({ name: '' })).rejects.toBeInstanceOf(UnprocessableEntityException);
  });

  it('getOrganizationAuditLogsRetention and updateOrganizationAuditLogsRetention', async () => {
    const org = await workos.organizations.createOrganization({ name: `Retention ${run}` });
    expect(await workos.auditLogs.getOrganizationAuditLogsRetention({ id: org.id })).toEqual({ retentionPeriodInDays: null });
    expect(await workos.auditLogs.updateOrganizationAuditLogsRetention({ id: org.id, retentionPeriod: '1_MONTH' })).toEqual({ retentionPeriodInDays: 30 });
    expect(await workos.auditLogs.updateOrganizationAuditLogsRetention({ id: org.id, retentionPeriod: '2_YEARS' })).toEqual({ retentionPeriodInDays: 730 });
    expect(await workos.auditLogs.getOrganizationAuditLogsRetention({ id: org.id })).toEqual({ retentionPeriodInDays: 730 });
    await expect(workos.auditLogs.updateOrganizationAuditLogsRetention({ id: org.id, retentionPeriod: '12_MONTHS' as never })).rejects.toBeInstanceOf(
      UnprocessableEntityException,
    );
  });
});

describe('organizations with workos-node 7.x', () => {
  const workos = new WorkOS7(E2E_VARS.DEFAULT_PROJECT_SECRET_KEY, options);

  it('createOrganization, getOrganization, getOrganizationByExternalId, updateOrganization, listOrganizations, deleteOrganization', async () => {
    const created = await workos.organizations.createOrganization({
      name: `SDK 7 Corp ${run}`,
      externalId: `ext-7-${run}`,
      domains: [`sdk7-${run}.example.com`],
      metadata: { plan: 'pro' },
    });
    expect(created).toMatchObject({ object: 'organization', name: `SDK 7 Corp ${run}`, externalId: `ext-7-${run}`, allowProfilesOutsideOrganization: false });
    expect(created.domains[0]).toMatchObject({ object: 'organization_domain', domain: `sdk7-${run}.example.com`, state: 'verified' });

    expect((await workos.organizations.getOrganization(created.id)).metadata).toEqual({ plan: 'pro' });
    expect((await workos.organizations.getOrganizationByExternalId(`ext-7-${run}`)).id).toBe(created.id);
    const updated = await workos.organizations.updateOrganization({ organization: created.id, name: `SDK 7 Renamed ${run}`, domainData: [{ domain: `sdk7b-${run}.example.com`, state: 'pending' as never }] });
    expect(updated.domains.map((d) => [d.domain, d.state])).toEqual([[`sdk7b-${run}.example.com`, 'pending']]);

    const page = await workos.organizations.listOrganizations({ limit: 1 });
    expect(page.data).toHaveLength(1);
    expect(page.data[0].id).toBe(created.id);
    const all = await (await workos.organizations.listOrganizations({ order: 'asc' })).autoPagination();
    expect(all.map((o) => o.id)).toContain(created.id);

    await workos.organizations.deleteOrganization(created.id);
    const gone = await workos.organizations.getOrganization(created.id).catch((e: unknown) => e);
    expect((gone as { status: number }).status).toBe(404);
  });
});
