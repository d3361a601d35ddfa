import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { ensureViewerBuilt } from '../build/build.ts';
import { startViewerServer } from '../server/server.ts';
import type { ViewerServer } from '../server/server.ts';

export const CHROMIUM = process.env.MESOLAB_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests skip on this machine, as a suffix for their titles (' [skipped: …]'), or ''
 * where Chromium is installed: a bare machine has none, and `.ci/run` installs it.
 */
export const CHROMIUM_SKIP = existsSync(CHROMIUM) ? '' : ` [skipped: no Chromium at ${CHROMIUM}; .ci/run installs it (apt-get install chromium), or set MESOLAB_CHROMIUM]`;

/** Flags that give WebGL2 through ANGLE, and WebGPU through Dawn, on SwiftShader (CPU Vulkan) with no GPU and no display. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  // WebGPU (Dawn on SwiftShader Vulkan here) for the live LBM worker; headless Chromium hides it
  // otherwise. MESOLAB_VIEWER_NO_WEBGPU=1 leaves it off, to see the WebGL2 path and its fallbacks.
  ...(process.env.MESOLAB_VIEWER_NO_WEBGPU === '1' ? [] : ['--enable-unsafe-webgpu']),
];

export interface OpenViewer {
  browser: Browser;
  page: Page;
  server: ViewerServer;
  consoleErrors: string[];
  close(): Promise<void>;
}

/** Builds the app if needed, serves `root`, and opens it in headless Chromium at the given size. */
export async function openViewer(root: string, size = { width: 1280, height: 800 }, entry?: string): Promise<OpenViewer> {
  const distDir = await ensureViewerBuilt();
  const server = await startViewerServer({ root, distDir, port: 0, ...(entry ? { entry } : {}) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: size });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => {
    const v = (window as unknown as { __viewer?: { ready: boolean; error: string | null } }).__viewer;
    return v !== undefined && (v.ready || v.error !== null);
  }, undefined, { timeout: 60_000 });
  return {
    browser,
    page,
    server,
    consoleErrors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** Prints what went wrong in the page: its console errors and the viewer's own probe error (the snapshot scripts end with it). */
export async function printViewerErrors(v: OpenViewer): Promise<void> {
  process.stdout.write(`console errors: ${JSON.stringify(v.consoleErrors)}\n`);
  process.stdout.write(`probe error: ${await v.page.evaluate(() => (window as unknown as { __viewer: { error: string | null } }).__viewer.error)}\n`);
}

/** The WebGL renderer string the page's 3D view got (unmasked). */
export function rendererString(page: Page): Promise<string> {
  return page.evaluate(() => {
    const v = (window as unknown as { __viewer: { view: { renderer: { getContext(): WebGL2RenderingContext } } } }).__viewer;
    const gl = v.view.renderer.getContext();
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const kind = typeof WebGL2RenderingContext !== 'undefined' && gl instanceof WebGL2RenderingContext ? 'WebGL2' : 'WebGL1';
    return `${kind} ${ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : String(gl.getParameter(gl.RENDERER))}`;
  });
}

/**
 * Renders one frame of the 3D view now and reads it back scaled to width × height pixels
 * (preserveDrawingBuffer keeps the canvas readable): RGBA bytes, row by row from the top.
 */
export function readView3d(page: Page, width: number, height: number): Promise<number[]> {
  return page.evaluate(
    ([w, h]) => {
      const v = (window as unknown as { __viewer: { view: { render(): void } } }).__viewer;
      v.view.render();
      const src = document.getElementById('view3d') as HTMLCanvasElement;
      const c = document.createElement('canvas');
      c.width = w!;
      c.height = h!;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(src, 0, 0, w!, h!);
      return [...ctx.getImageData(0, 0, w!, h!).data];
    },
    [width, height],
  );
}
