import { DASHBOARD_PAGE } from './dashboard.page';
import { WHAT_IF_SCRIPT } from './what-if.page';

describe("the page's what-if section", () => {
  it('has a script that parses, and the page loads it after the charts it draws with', () => {
    expect(() => new Function(WHAT_IF_SCRIPT)).not.toThrow();
    expect(DASHBOARD_PAGE.indexOf('/what-if.js')).toBeGreaterThan(DASHBOARD_PAGE.indexOf('/trends.js'));
    for (const field of ['from', 'to', 'sla', 'routing', 'leads']) expect(DASHBOARD_PAGE).toContain(`name="${field}"`);
  });
});
