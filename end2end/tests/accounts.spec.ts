import type { Page, APIRequestContext } from '@playwright/test';
import { test, expect } from './fixtures';

const control = `http://127.0.0.1:${process.env.OIDC_CONTROL_PORT ?? 3191}`;
const hydrated = (name: string) => name === 'hydrated';

/** Who the OIDC provider will say signs in next. */
async function nextUser(request: APIRequestContext, who: { sub: string; name: string; preferred_username: string }) {
  const res = await request.post(`${control}/next-user`, { data: { email: `${who.sub}@example.com`, ...who } });
  expect(res.ok()).toBeTruthy();
}

async function ready(page: Page, projectName: string) {
  if (hydrated(projectName)) await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

/** From any page, with the header's sign-in menu: sign in through the OIDC provider. */
async function signInWithMockId(page: Page, projectName: string) {
  await ready(page, projectName);
  await page.getByTestId('sign-in-link').click();
  await page.getByRole('link', { name: /Mock ID/ }).click();
}

test('sign in through a real OIDC provider, choose a nickname (with a conflict), land on the original page', async ({ page, request }, info) => {
  const run = `${info.project.name}-${Date.now()}`;
  // Someone else already holds the nickname we will try first.
  await nextUser(request, { sub: `first-${run}`, name: 'First', preferred_username: `first${run.length}` });
  await page.goto('/');
  await signInWithMockId(page, info.project.name);
  await expect(page).toHaveURL(/\/welcome/);
  const taken = `taken_${Date.now() % 100000}`;
  await page.getByLabel('닉네임').fill(taken);
  await page.getByRole('button', { name: '저장' }).click();
  await expect(page.getByTestId('user-nickname')).toHaveText(taken);
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();

  // Now the person under test signs in from the "how it works" page.
  await nextUser(request, { sub: `second-${run}`, name: 'Second', preferred_username: 'second' });
  await page.goto('/#how');
  await signInWithMockId(page, info.project.name);
  await expect(page).toHaveURL(/\/welcome\?return_to=\/$/);
  await page.getByLabel('닉네임').fill(taken.toUpperCase());
  await page.getByRole('button', { name: '저장' }).click();
  await expect(page.getByTestId('form-error')).toContainText('이미 사용 중인 닉네임입니다.');
  const suggestion = await page.getByTestId('suggestion').innerText();
  expect(suggestion.toLowerCase()).toBe(`${taken}2`);
  await page.getByLabel('닉네임').fill(suggestion);
  await page.getByRole('button', { name: '저장' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('user-nickname')).toHaveText(suggestion);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('코드가 증명하는 이력서');

  // Sign out.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('sign-in-link')).toBeVisible();
  await page.goto('/settings/account');
  await expect(page.getByText('이 페이지를 보려면 로그인하세요.')).toBeVisible();
});

test('sign out everywhere from a second browser', async ({ browser, request }, info) => {
  const js = hydrated(info.project.name);
  const run = `${info.project.name}-${Date.now()}`;
  await nextUser(request, { sub: `multi-${run}`, name: 'Multi', preferred_username: `m${Date.now() % 100000}` });
  const laptop = await browser.newContext({ locale: 'ko-KR', javaScriptEnabled: js });
  const phone = await browser.newContext({ locale: 'ko-KR', javaScriptEnabled: js });
  const a = await laptop.newPage();
  const b = await phone.newPage();

  await a.goto('/');
  await signInWithMockId(a, info.project.name);
  await a.getByRole('button', { name: '저장' }).click();
  const nickname = await a.getByTestId('user-nickname').innerText();

  await b.goto('/');
  await signInWithMockId(b, info.project.name);
  await expect(b.getByTestId('user-nickname')).toHaveText(nickname);

  await a.goto('/settings/account');
  await expect(a.getByTestId('session')).toHaveCount(2);
  await expect(a.getByTestId('session').first()).toContainText('Chrome · Windows') // Playwright's Desktop Chrome user agent;
  await a.getByRole('button', { name: '모든 기기에서 로그아웃' }).click();
  await expect(a.getByTestId('sign-in-link')).toBeVisible();

  await b.reload();
  await expect(b.getByTestId('sign-in-link')).toBeVisible();
  await b.goto('/settings/account');
  await expect(b.getByText('이 페이지를 보려면 로그인하세요.')).toBeVisible();
  await laptop.close();
  await phone.close();
});

test('the sign-in page lists every provider, and no demo beside real ones', async ({ page }, info) => {
  await page.goto('/signin?return_to=/%23how');
  await ready(page, info.project.name);
  await expect(page.getByRole('link', { name: /Mock ID/ })).toHaveAttribute('href', '/auth/mockid/login?return_to=/%23how');
  await expect(page.getByRole('heading', { name: '데모 로그인' })).toHaveCount(0);
});

test('the demo sign-in is offered on the embedded default', async ({ page }, info) => {
  await page.goto(`http://127.0.0.1:${process.env.E2E_PLAIN_PORT ?? 3101}/signin`);
  await ready(page, info.project.name);
  await expect(page.getByRole('heading', { name: '데모 로그인' })).toBeVisible();
  await page.getByRole('button', { name: '데모 계정으로 계속' }).click();
  await expect(page).toHaveURL(/\/(welcome|\?|$)/);
});
