import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Whether a Vulkan loader (libvulkan.so.1) can be found on this Linux machine. Dawn (the `webgpu`
 * package) reaches every GPU on Linux through Vulkan; without the loader it prints "Couldn't load
 * Vulkan" on stderr when its instance is created, once per process, whatever the command. mesolab
 * therefore asks this first and never creates the Dawn instance where it is false.
 *
 * Looks in `ldconfig -p` (the dynamic linker's cache, what dlopen consults), then in
 * LD_LIBRARY_PATH and the usual library directories (ldconfig may be missing in containers).
 * Always true off Linux (Dawn uses Metal on macOS and D3D12 on Windows). `MESOLAB_NO_VULKAN=1`
 * makes it false: it keeps Dawn from starting at all, and lets tests exercise the no-loader path.
 * Cached for the process.
 *
 * @returns true when libvulkan.so.1 is present (or the platform does not need it).
 * @example if (!hasVulkanLoader()) console.log(VULKAN_LOADER_HELP);
 */
export function hasVulkanLoader(): boolean {
  if (process.env.MESOLAB_NO_VULKAN === '1') return false;
  if (process.platform !== 'linux') return true;
  cached ??= findLoader();
  return cached;
}

let cached: boolean | undefined;

const LIB = 'libvulkan.so.1';
const LIB_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib', '/usr/local/lib'];

function findLoader(): boolean {
  for (const ldconfig of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      const out = execFileSync(ldconfig, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      if (out.includes(LIB)) return true;
      break;
    } catch {
      // Not at this path: try the next, then the directories.
    }
  }
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d), ...LIB_DIRS];
  return dirs.some((d) => existsSync(join(d, LIB)));
}

/** What to do on a Linux machine without a Vulkan loader (printed by `mesolab doctor`). */
export const VULKAN_LOADER_HELP =
  'no Vulkan loader (libvulkan.so.1 is not in `ldconfig -p`), so WebGPU is off. To enable it: install the loader ' +
  '(Debian/Ubuntu: `apt-get install libvulkan1`) plus a Vulkan driver: the GPU vendor\'s (e.g. the NVIDIA driver, or ' +
  'Mesa: `apt-get install mesa-vulkan-drivers`), or, without a GPU, Chromium\'s SwiftShader (`apt-get install chromium`) ' +
  'used with MESOLAB_SWIFTSHADER=1.';

/**
 * Whether the Vulkan loader will find a driver (an ICD manifest): VK_ICD_FILENAMES /
 * VK_DRIVER_FILES / VK_ADD_DRIVER_FILES, or a *.json in a vulkan/icd.d directory of the loader's
 * search path (XDG_CONFIG_DIRS, /etc, XDG_DATA_DIRS, /usr/local/share, /usr/share, ~/.local/share).
 * With a loader but no driver, Dawn prints "vkCreateInstance: Found no drivers!" on stderr for
 * every command, so mesolab does not create its instance then either. MESOLAB_SWIFTSHADER=1 with
 * Chromium's manifest present counts as a driver (installNodeWebGPU points the loader at it).
 *
 * @returns false off Linux never (true there), else whether some ICD manifest is visible.
 * @example if (hasVulkanLoader() && !hasVulkanDriver()) console.log('install a Vulkan driver');
 */
export function hasVulkanDriver(): boolean {
  if (process.platform !== 'linux') return true;
  if (process.env.MESOLAB_SWIFTSHADER === '1' && existsSync(SWIFTSHADER_ICD)) return true;
  for (const v of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES']) {
    if ((process.env[v] ?? '').split(':').some((f) => f && existsSync(f))) return true;
  }
  const split = (v: string | undefined, fallback: string): string[] => (v || fallback).split(':').filter((d) => d);
  const roots = [
    ...split(process.env.XDG_CONFIG_DIRS, '/etc/xdg'),
    '/etc',
    '/usr/local/etc',
    join(homedir(), '.local', 'share'),
    ...split(process.env.XDG_DATA_DIRS, '/usr/local/share:/usr/share'),
    '/usr/local/share',
    '/usr/share',
  ];
  return roots.some((root) => {
    try {
      return readdirSync(join(root, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/** Chromium's SwiftShader Vulkan driver manifest (Debian's chromium package). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** What to do on a Linux machine with a Vulkan loader but no driver. */
export const VULKAN_DRIVER_HELP =
  'a Vulkan loader but no Vulkan driver (no ICD manifest in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d), so WebGPU is off. ' +
  "Install the GPU vendor's driver (NVIDIA's, or Mesa: `apt-get install mesa-vulkan-drivers`), or without a GPU use " +
  "Chromium's SwiftShader (`apt-get install chromium`) with MESOLAB_SWIFTSHADER=1.";
