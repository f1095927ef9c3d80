import { test, expect } from './fixtures';

const hydrated = (name: string) => name === 'hydrated';

/** Wait until the wasm bundle has taken over the page. */
async function waitForHydration(page: import('@playwright/test').Page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
}

test('the landing page explains Proofolio in Korean by default', async ({ page }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('코드가 증명하는 이력서');
  await expect(page).toHaveTitle('Proofolio');
  await expect(page.getByRole('heading', { name: '네 단계로 완성되는 이력서' })).toBeVisible();
});

test('the language switch changes the page and is remembered', async ({ page }, info) => {
  await page.goto('/');
  if (hydrated(info.project.name)) await waitForHydration(page);
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A résumé your code can prove');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\/$/);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A résumé your code can prove');
  await page.getByRole('link', { name: '한국어' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('코드가 증명하는 이력서');
});

test('a reactive control works once hydrated, and the content is there without JavaScript', async ({ page }, info) => {
  await page.goto('/');
  const toggle = page.getByTestId('receipts-toggle');
  await expect(toggle).toHaveText('근거 보기');
  await expect(page.getByText('Cargo.toml: axum, tokio, sqlx')).toBeHidden();
  if (hydrated(info.project.name)) await waitForHydration(page);
  await toggle.click();
  await expect(page.getByText('Cargo.toml: axum, tokio, sqlx')).toBeVisible();
  if (hydrated(info.project.name)) {
    // Only the hydrated page relabels the control.
    await expect(toggle).toHaveText('근거 숨기기');
  }
});

test('an unknown page answers 404 with a way home', async ({ page }) => {
  const res = await page.goto('/this/does/not/exist');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('페이지를 찾을 수 없습니다');
  await page.getByRole('link', { name: '처음으로 돌아가기' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('코드가 증명하는 이력서');
});

test('a visitor whose browser prefers English gets English', async ({ browser }, info) => {
  const context = await browser.newContext({ locale: 'en-US', javaScriptEnabled: info.project.name === 'hydrated' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('A résumé your code can prove');
  await context.close();
});

test('the layout fits a 360 px wide phone', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('link', { name: 'English' })).toBeVisible();
});
