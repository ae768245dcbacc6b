import { API_CSP_DIRECTIVES, DOCS_CSP_DIRECTIVES, isDocsPath } from './security-headers';

describe('security headers', () => {
  it.each(['/docs', '/docs/', '/docs/openapi.json', '/docs/swagger-ui-init.js', '/docs?tab=1'])('treats %s as Swagger UI', (url) => {
    expect(isDocsPath(url)).toBe(true);
  });

  it.each(['/', '/docsx', '/docs.json', '/v1/docs', '/v1/tickets?next=/docs'])('treats %s as the API', (url) => {
    expect(isDocsPath(url)).toBe(false);
  });

  it('relaxes only the style policy for Swagger UI, never the script policy', () => {
    const { 'style-src': docsStyle, ...docsRest } = DOCS_CSP_DIRECTIVES;
    const { 'style-src': apiStyle, ...apiRest } = API_CSP_DIRECTIVES;
    expect(docsRest).toEqual(apiRest);
    expect(apiStyle).toEqual(["'self'"]);
    expect(docsStyle).toEqual(["'self'", "'unsafe-inline'"]);
    expect(API_CSP_DIRECTIVES['script-src']).toEqual(["'self'"]);
  });
});
