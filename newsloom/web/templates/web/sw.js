// newsloom service worker: app shell cached at install; pages network-first with cache
// fallback; saved articles cached on request so they can be read offline.
const SHELL = "newsloom-shell-v1";
const PAGES = "newsloom-pages-v1";
const SHELL_URLS = ["/", "/offline/", "{{ css }}", "{{ js }}", "/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_URLS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.cache) {
    event.waitUntil(caches.open(PAGES).then((cache) => cache.add(event.data.cache)));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && request.mode === "navigate") {
          const copy = response.clone();
          caches.open(PAGES).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(request).then((hit) => hit || (request.mode === "navigate"
          ? caches.match("/offline/") : Response.error())))
  );
});
