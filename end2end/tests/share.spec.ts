import { test, expect } from './fixtures';
import { hydrated, plain, ready, writtenResume } from './demo';

test('share by link: private until shared, a reader sees it and is counted, a changed link still works', async ({ page, browser }, info) => {
  const url = await writtenResume(page, info.project.name, `share_${info.project.name}`);
  await ready(page, info.project.name);
  const card = page.getByTestId('share-card');
  await expect(card).toHaveAttribute('data-visibility', 'private');

  await card.getByTestId('visibility-unlisted').check();
  await card.getByTestId('slug').fill(`my-cv-${info.project.name}`);
  await card.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'unlisted');
  const link = await page.getByTestId('share-url').inputValue();
  expect(link).toMatch(new RegExp(`/r/my-cv-${info.project.name}$`));
  // The owner's card: the link's QR code, drawn on the server, and — once
  // the page runs JavaScript — a copy button.
  const qr = page.getByTestId('share-qr');
  await expect(qr).toBeVisible();
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(100);
  await expect(page.getByTestId('share-copy')).toHaveCount(hydrated(info.project.name) ? 1 : 0);

  // A reader with no account opens the link.
  const reader = await browser.newContext({ javaScriptEnabled: hydrated(info.project.name) });
  const rp = await reader.newPage();
  await rp.goto(link);
  await expect(rp.getByTestId('shared')).toBeVisible();
  await expect(rp.getByTestId('section-projects')).toBeVisible();
  await expect(rp.getByTestId('like-signin')).toBeVisible();
  await expect(rp.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex');
  // What a chat app shows: the card image the page names, a real PNG.
  const image = await rp.locator('meta[property="og:image"]').getAttribute('content');
  expect(image).toContain(`/r/my-cv-${info.project.name}/preview.png?v=`);
  const pic = await rp.request.get(image!);
  expect(pic.status()).toBe(200);
  expect(pic.headers()['content-type']).toBe('image/png');
  expect((await pic.body()).length).toBeGreaterThan(20_000);

  // The owner sees the view counted (once, however often the reader reloads).
  await rp.reload();
  await page.goto(url);
  await expect(page.getByTestId('share-counts')).toHaveText(/^\s*1 /);

  // A new link: the old one leads to it.
  await page.getByTestId('slug').fill(`my-new-cv-${info.project.name}`);
  await page.getByTestId('share-save').click();
  await expect(page.getByTestId('share-url')).toHaveValue(new RegExp(`/r/my-new-cv-${info.project.name}$`));
  await rp.goto(link);
  await expect(rp).toHaveURL(new RegExp(`/r/my-new-cv-${info.project.name}$`));

  // Private again: the reader gets "not found".
  await page.getByTestId('visibility-private').check();
  await page.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'private');
  const res = await rp.goto(`${plain}/r/my-new-cv-${info.project.name}`);
  expect(res?.status()).toBe(404);
  await expect(rp.getByTestId('shared-missing')).toBeVisible();
  await reader.close();
});

test('comments on a shared résumé: a thread on a line, a reply, escaped text, delete', async ({ page }, info) => {
  await writtenResume(page, info.project.name, `cm_${info.project.name}`);
  await ready(page, info.project.name);
  const card = page.getByTestId('share-card');
  await card.getByTestId('visibility-public').check();
  await card.getByTestId('slug').fill(`cm-cv-${info.project.name}`);
  await card.getByTestId('share-save').click();
  await expect(page.getByTestId('share-card')).toHaveAttribute('data-visibility', 'public');
  await page.goto(`${plain}/r/cm-cv-${info.project.name}`);
  await ready(page, info.project.name);
  await expect(page.getByTestId('no-comments')).toBeVisible();

  await page.getByTestId('comment-input').fill('<b>굵게?</b> 이 줄은 숫자가 있으면 좋겠어요 https://example.com/tip');
  await page.getByTestId('comment-anchor-select').selectOption({ index: 3 });
  await page.getByTestId('comment-post').click();
  const comment = page.getByTestId('comment').first();
  await expect(comment.getByTestId('comment-body')).toContainText('<b>굵게?</b> 이 줄은 숫자가 있으면 좋겠어요');
  await expect(comment.locator('b')).toHaveCount(0);
  await expect(comment.getByRole('link', { name: 'https://example.com/tip' })).toHaveAttribute('rel', /nofollow/);
  await expect(comment.getByTestId('comment-anchor')).toBeVisible();

  await comment.getByTestId('reply-open').click();
  await comment.getByTestId('reply-body').fill('좋은 의견 감사합니다');
  await comment.getByTestId('reply-post').click();
  await expect(page.getByTestId('reply')).toContainText('좋은 의견 감사합니다');

  await page.getByTestId('comment').first().getByTestId('comment-delete').click();
  await expect(page.getByTestId('no-comments')).toBeVisible();
});
