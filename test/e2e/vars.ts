// The Worker's settings in end-to-end tests (never used outside tests).
export const E2E_VARS = {
  WAYMARK_ENV: 'test',
  ADMIN_PASSWORD: 'e2e-admin-password-123',
  DEFAULT_PROJECT_SECRET_KEY: 'sk_test_E2eDefaultE2eDefaultE2eDefault01',
  DEMO_PROJECT_SECRET_KEY: 'sk_test_E2eDemoE2eDemoE2eDemoE2eDemo0002',
};
