// The public pages on a phone and on a desktop: they render in Chinese, fit
// a phone's width, and the search box leads to the catalog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, PHONE, DESKTOP, shot, overflowsSideways } from './support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const PUBLIC_PAGES = [
  { path: '/', name: 'home', text: '一窗受理' },
  { path: '/catalog', name: 'catalog', text: '事项' },
  { path: '/catalog?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7', name: 'catalog-search', text: '营业执照' },
  { path: '/catalog/QX-SCJG-007', name: 'matter', text: '食品经营许可' },
  { path: '/track', name: 'track', text: '受理编号' },
  { path: '/login', name: 'login', text: '登录' },
  { path: '/register', name: 'register', text: '注册' },
];

for (const [label, device] of [['phone', PHONE], ['desktop', DESKTOP]]) {
  test(`public pages fit a ${label} and speak Chinese`, async () => {
    const context = await browser.newContext(device);
    const page = await context.newPage();
    for (const p of PUBLIC_PAGES) {
      const response = await page.goto(server.base + p.path);
      assert.equal(response.status(), 200, `${p.path} answers`);
      await page.getByText(p.text).first().waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      assert.equal(await overflowsSideways(page), false, `${p.path} fits the ${label} width`);
      await shot(page, `${label}-${p.name}`);
    }
    await context.close();
  });
}

test('an unknown page is a Chinese 404 page', async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const response = await page.goto(`${server.base}/no-such-page`);
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { name: '页面不存在' }).waitFor();
  await context.close();
});
