import { test, expect } from './fixtures';
import { ready, writtenResume } from './demo';

// The plain server: the embedded default, which loads the vendored corpus
// (谁在招人 via darknight/whoishiring-insight) on its first start.
const plain = `http://127.0.0.1:${process.env.E2E_PLAIN_PORT ?? 3101}`;

test('the market shows a chart with its table for a category, switched by the form; the address keeps the filter', async ({ page }) => {
  await page.goto(`${plain}/market`);
  await expect(page.getByTestId('market-credit')).toContainText('darknight/whoishiring-insight');
  await expect(page.getByTestId('market-credit')).toContainText('2019-08');
  const chart = page.getByTestId('market-chart');
  await expect(chart).toBeVisible();
  expect(await chart.locator('g.bar').count()).toBe(20);
  const rows = page.getByTestId('market-table').locator('tbody tr');
  await expect(rows).toHaveCount(20);

  // Frontend: the address says so, and the numbers are the category's.
  await page.getByTestId('category-select').selectOption('frontend');
  await page.getByTestId('market-show').click();
  await expect(page).toHaveURL(/[?&]category=frontend/);
  await expect(page.getByTestId('market-heading')).toContainText('프런트엔드');
  await expect(page.getByTestId('category-select')).toHaveValue('frontend');
  const react = page.getByTestId('market-table').locator('tbody tr[data-tech="react"]');
  await expect(react).toHaveCount(1);
  const frontendTop = await rows.first().getAttribute('data-tech');
  expect(['react', 'javascript', 'vue', 'typescript']).toContain(frontendTop);
  // The chart's table is readable as a table: header cells and numbers.
  await expect(page.getByTestId('market-table').locator('thead th')).toHaveCount(7);
  const count = Number(await react.locator('td.num').first().innerText());
  expect(count).toBeGreaterThan(50);

  await page.getByTestId('category-select').selectOption('ml');
  await page.getByTestId('market-show').click();
  await expect(page).toHaveURL(/[?&]category=ml/);
  expect(await rows.first().getAttribute('data-tech')).not.toBe(frontendTop);
  await expect(page.getByTestId('market-pairs').locator('tbody tr').first()).toBeVisible();
  await expect(page.getByTestId('market-levels').locator('tbody tr').first()).toBeVisible();
  // Change over time: a line per top technology, month by month, with the numbers in a table.
  const monthly = page.getByTestId('market-monthly');
  await expect(monthly.locator('polyline')).toHaveCount(5);
  await monthly.locator('summary').click();
  const months = monthly.getByTestId('market-monthly-table').locator('tbody tr');
  expect(await months.count()).toBeGreaterThan(1);
  await expect(months.first().locator('th')).toHaveText(/^\d{4}-\d{2}$/);
});

test('the market is readable on a phone: nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${plain}/market?category=backend`);
  await expect(page.getByTestId('market-chart')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('match a pasted posting: what it asks for, required first, and the text stays out of the address', async ({ page }) => {
  await page.goto(`${plain}/market/match`);
  await page.getByTestId('match-text').fill(
    '백엔드 개발자\n\n자격요건\n- Rust 3년 이상\n- PostgreSQL\n\n우대사항\n- Kubernetes',
  );
  await page.getByTestId('match-button').click();
  await expect(page).toHaveURL(/\/market\/match\?t=/);
  expect(page.url()).not.toContain('%EC%9E%90');
  const asked = page.getByTestId('asked');
  await expect(asked.locator('tr[data-tech="rust"]')).toHaveAttribute('data-requirement', 'required');
  await expect(asked.locator('tr[data-tech="kubernetes"]')).toHaveAttribute('data-requirement', 'preferred');
});

test('signed in: my fit for a category, then a copy of my résumé tailored to a pasted Korean posting', async ({ page }, info) => {
  const original = await writtenResume(page, info.project.name, `tl_${info.project.name}`);
  await page.goto(`${plain}/market/me?category=backend`);
  await ready(page, info.project.name);
  // The demo profile's Java (Spring) is proven and asked for by most backend postings.
  await expect(page.getByTestId('fit-lead').locator('li[data-tech="java"]')).toBeVisible();
  // One click puts these first in my résumé.
  await page.getByTestId('lead-button').click();
  await expect(page).toHaveURL(original);
  await expect(page.getByTestId('section-skills').locator('li').first()).toContainText(/Java|Redis|Python/);

  await page.goto(`${plain}/market/me?category=backend`);
  await ready(page, info.project.name);
  await page.getByTestId('fit-match').click();
  await expect(page).toHaveURL(/\/market\/match$/);
  await ready(page, info.project.name);
  await page.getByTestId('match-text').fill(
    '백엔드 개발자 채용\n\n자격요건\n- Java, Spring Boot 3년 이상\n- Redis 캐시 설계 경험\n\n우대사항\n- 쿠버네티스 운영 경험',
  );
  await page.getByTestId('match-button').click();
  await expect(page.getByTestId('coverage')).toBeVisible();
  const form = page.getByTestId('tailor');
  await expect(form.getByTestId('tailor-resume').locator('option')).not.toHaveCount(0);
  await form.getByTestId('tailor-button').click();
  await expect(page).toHaveURL(/\/resumes\/[0-9a-f-]+$/);
  expect(page.url()).not.toBe(original);
  // The copy says what it is for and leads with what the posting asks and the code proves.
  await expect(page.locator('#resume-title')).toHaveValue(/tailored/);
  await expect(page.getByTestId('section-skills').locator('li').first()).toContainText(/Java|Spring|Redis/);
  await expect(page.getByTestId('receipt').first()).toBeVisible();
});
