import { test, expect } from './fixtures';
import { hydrated, plain, ready, writtenResume } from './demo';

test('notifications: a comment and a like from a second account reach the owner’s open tab, the page lists them, mark-read clears the badge', async ({ page, browser }, info) => {
  const project = info.project.name;
  const slug = `nt-cv-${project}`;
  await writtenResume(page, project, `nt_${project}`);
  await ready(page, project);
  const card = page.getByTestId('share-card');
  await card.getByTestId('visibility-public').check();
  await card.getByTestId('slug').fill(slug);
  await card.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'public');
  await ready(page, project);
  // The owner's tab stays open from here on: no reload while JavaScript runs.
  const badge = page.getByTestId('notify-badge');
  await expect(badge).toHaveAttribute('data-unread', '0');
  await expect(page.getByTestId('notify-count')).toBeHidden();

  // A second demo account (a context of its own is another visitor).
  const other = await browser.newContext({ javaScriptEnabled: hydrated(project) });
  const fan = await other.newPage();
  await fan.goto(`${plain}/signin?return_to=%2Fr%2F${slug}`);
  await ready(fan, project);
  await fan.getByRole('button', { name: '데모 계정으로 계속' }).click();
  if (fan.url().includes('/welcome')) {
    await fan.getByLabel('닉네임').fill(`fan_${project}`);
    await fan.getByRole('button', { name: '저장' }).click();
  }
  await fan.goto(`${plain}/r/${slug}`);
  await ready(fan, project);
  // A comment on a bullet, with markup that must stay text.
  const line = await fan.getByTestId('comment-anchor-select').locator('option[value*="highlights"]').first().getAttribute('value');
  await fan.getByTestId('comment-input').fill('<img src=x onerror=alert(1)> 여기에 숫자를 넣어 보세요');
  await fan.getByTestId('comment-anchor-select').selectOption(line!);
  await fan.getByTestId('comment-post').click();
  await expect(fan.getByTestId('comment').first().getByTestId('comment-anchor')).toBeVisible();
  await fan.getByTestId('like').click();
  await expect(fan.getByTestId('like-count')).toContainText('1');

  if (hydrated(project)) {
    // Live: the open tab's badge counts both without a reload.
    await expect(badge).toHaveAttribute('data-unread', '2');
    await expect(page.getByTestId('notify-count')).toBeVisible();
    await expect(page.getByTestId('notify-count')).toContainText('2');
  } else {
    // Without JavaScript the header shows the server's count on the next page.
    await page.reload();
    await expect(page.getByTestId('notify-badge')).toHaveAttribute('data-unread', '2');
  }

  await page.getByTestId('notify-badge').click();
  await expect(page).toHaveURL(/\/notifications$/);
  const items = page.getByTestId('notification');
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toHaveAttribute('data-kind', 'like');
  await expect(items.nth(1)).toHaveAttribute('data-kind', 'comment');
  await expect(items.nth(1).getByTestId('notification-actor')).toHaveText(`fan_${project}`);
  await expect(items.nth(1).getByTestId('notification-excerpt')).toHaveText('<img src=x onerror=alert(1)> 여기에 숫자를 넣어 보세요');
  await expect(items.nth(1).locator('img')).toHaveCount(0);
  await expect(items.nth(1).getByTestId('notification-link')).toHaveAttribute('href', new RegExp(`^/r/${slug}#c-`));

  // Readable on a 360 px phone: nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByTestId('mark-all-read').click();
  await expect(page.getByTestId('notify-badge')).toHaveAttribute('data-unread', '0');
  await expect(page.getByTestId('notification').first()).toHaveAttribute('data-read', 'true');
  await expect(page.getByTestId('mark-all-read')).toHaveCount(0);

  // The link leads to the comment on the shared page.
  await page.getByTestId('notification').nth(1).getByTestId('notification-link').click();
  await expect(page).toHaveURL(new RegExp(`/r/${slug}#c-`));
  await expect(page.getByTestId('comments')).toBeVisible();
  await other.close();
});
