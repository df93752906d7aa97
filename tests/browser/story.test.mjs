// The whole story in a real browser, each person in their own browser:
// a citizen applies online leaving out a non-core material; the window clerk
// accepts it with 容缺; the citizen uploads the missing material; the
// department head reviews and decides; the citizen sees the result; the
// 办结通知书's QR link lets the citizen rate on a phone, and a 差评 reaches
// the unit as a rectification order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, PHONE, DESKTOP, shot, overflowsSideways } from './support.mjs';

const MATTER = 'QX-SCJG-007'; // 食品经营许可: 容缺 allowed, one review step by 市场监管局
const PASSWORD = 'onewindow-demo';
const PDF = (name) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${name}\n%%EOF\n`) });

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

async function signIn(device, username) {
  const context = await browser.newContext(device);
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForLoadState('networkidle');
  assert.ok(!page.url().includes('/login'), `${username} signed in (at ${page.url()})`);
  return page;
}

test('a citizen applies online, the window accepts with 容缺, the citizen supplies, the head decides, the citizen sees the result', async () => {
  // 1. The citizen applies on a phone, leaving out every non-required material.
  const citizen = await signIn(PHONE, 'zhangwei');
  await citizen.goto(`${server.base}/apply/${MATTER}`);
  await citizen.getByRole('heading', { name: /食品经营许可/ }).first().waitFor();
  const name = citizen.locator('input[name=applicant_name]');
  if (await name.inputValue() === '') {
    await citizen.locator('select[name=applicant_kind]').selectOption({ index: 0 });
    await name.fill('张伟');
    await citizen.locator('input[name=applicant_id]').fill('11010519491231002X');
  }
  const inputs = citizen.locator('input[type=file]');
  const count = await inputs.count();
  let left = 0;
  for (let i = 0; i < count; i++) {
    const input = inputs.nth(i);
    if (await input.getAttribute('required') !== null) {
      await input.setInputFiles(PDF(`material-${i}.pdf`));
    } else {
      left += 1;
    }
  }
  assert.ok(left > 0, 'some material may be left for 容缺');
  await shot(citizen, 'story-1-apply');
  await citizen.getByRole('button', { name: '提交申请' }).click();
  await citizen.waitForLoadState('networkidle');
  await shot(citizen, 'story-2-submitted');
  const receipt = (await citizen.locator('body').innerText()).match(/QX\d{16}/)?.[0];
  assert.ok(receipt, `a receipt number is shown after applying (${citizen.url()})`);
  await shot(citizen, 'story-2-submitted');

  // 2. The window clerk reviews it (预审) and accepts it with 容缺.
  const clerk = await signIn(DESKTOP, 'clerk');
  await clerk.goto(`${server.base}/window/review`);
  await clerk.getByRole('row').filter({ hasText: receipt }).getByRole('link', { name: '预审' }).click();
  await clerk.waitForLoadState('networkidle');
  // The clerk ticks what the citizen uploaded: every core material.
  const core = clerk.locator('label', { hasText: '核心要件' }).locator('input[type=checkbox]');
  for (let i = 0; i < await core.count(); i++) await core.nth(i).check();
  await clerk.getByRole('button', { name: '核对材料' }).click();
  await clerk.waitForLoadState('networkidle');
  await clerk.getByRole('button', { name: '容缺受理' }).waitFor({ timeout: 5000 });
  await clerk.locator('input[name=committed]').check();
  await shot(clerk, 'story-3-review');
  await clerk.getByRole('button', { name: '容缺受理' }).click();
  await clerk.waitForLoadState('networkidle');
  await clerk.getByText('容缺受理承诺书').first().waitFor();
  await shot(clerk, 'story-4-accepted');

  // 3. The citizen uploads what was owed.
  await citizen.goto(`${server.base}/mine`);
  const card = citizen.locator('article', { hasText: receipt });
  await card.getByText('容缺').first().waitFor();
  await card.getByRole('link', { name: '补交材料' }).click();
  const owed = citizen.locator('input[type=file]');
  for (let i = 0; i < await owed.count(); i++) {
    await owed.nth(i).setInputFiles(PDF(`owed-${i}.pdf`));
  }
  await citizen.getByRole('button', { name: '提交' }).click();
  await citizen.waitForLoadState('networkidle');
  await shot(citizen, 'story-5-supplied');

  // 4. The department head completes the review and decides.
  const head = await signIn(DESKTOP, 'head.scjg');
  await head.goto(`${server.base}/inbox`);
  await head.locator('tr', { hasText: receipt }).getByRole('link').first().click();
  await head.waitForLoadState('networkidle');
  await head.getByRole('button', { name: '完成审查环节' }).click();
  await head.getByRole('button', { name: '准予' }).waitFor();
  await head.getByRole('button', { name: '准予' }).click();
  await head.getByRole('button', { name: '出证' }).waitFor();
  await head.locator('input[name=number]').fill('JY13706860000001');
  await head.locator('input[name=licence]').fill('食品经营许可证（电子证照）');
  await head.getByRole('button', { name: '出证' }).click();
  await head.getByText(/已办结|已出证/).first().waitFor();
  await shot(head, 'story-6-issued');
  const caseId = head.url().match(/\/cases\/(\d+)/)?.[1];
  assert.ok(caseId, `the head is on the case page (${head.url()})`);

  // 5. The citizen sees the result.
  await citizen.goto(`${server.base}/mine`);
  await citizen.locator('article', { hasText: receipt }).getByRole('link').first().click();
  await citizen.waitForLoadState('networkidle');
  const text = await citizen.locator('body').innerText();
  assert.match(text, /已办结|已出证/, 'the citizen sees the case concluded');
  assert.match(text, /JY13706860000001/, 'and the certificate number');
  await shot(citizen, 'story-7-result');

  // 6. The clerk prints the 办结通知书; its QR code carries the rating link.
  await clerk.goto(`${server.base}/cases/${caseId}/notice/conclusion`);
  await clerk.getByRole('heading', { name: '办结通知书' }).first().waitFor();
  assert.equal(await clerk.locator('svg').count() > 0, true, 'the notice carries a QR code');
  const link = (await clerk.locator('body').innerText()).match(/https?:\/\/\S+\/rate\/[0-9a-f]{64}/)?.[0];
  assert.ok(link, 'the notice prints the rating link');
  await shot(clerk, 'story-8-conclusion-notice');

  // 7. The citizen scans it with a phone (no sign-in) and gives a 差评 with a reason.
  const phone = await (await browser.newContext(PHONE)).newPage();
  await phone.goto(link);
  await phone.getByRole('heading', { name: /好差评/ }).waitFor();
  assert.equal(await overflowsSideways(phone), false, 'the rating page fits the phone');
  await phone.getByLabel('不满意', { exact: true }).check();
  await phone.locator('input[name=reasons]').first().check();
  await shot(phone, 'story-9-rating');
  await phone.getByRole('button', { name: '提交评价' }).click();
  await phone.waitForLoadState('networkidle');
  const thanks = await phone.locator('body').innerText();
  assert.match(thanks, /感谢您的评价/, 'the rating is taken');
  assert.match(thanks, /转交承办单位整改/, 'a 差评 goes to the unit to put right');
  await shot(phone, 'story-10-rated');

  // 8. The responsible unit finds the rectification order in its inbox.
  await head.goto(`${server.base}/rectifications`);
  const orders = await head.locator('tr', { hasText: '食品经营许可' }).filter({ hasText: '待核实' })
    .getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  let found = false;
  for (const href of orders) {
    await head.goto(`${server.base}${href}`);
    if (await head.locator(`a[href="/cases/${caseId}"]`).count() > 0) { found = true; break; }
  }
  assert.ok(found, `an order 待核实 for case ${caseId} is in 市场监管局's list (${orders})`);
  await shot(head, 'story-11-rectification');
});
