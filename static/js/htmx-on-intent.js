/*
 * Load htmx when the reader first reaches for the search form or the pages
 * of results, not with the page: htmx is 51 KB of script, the biggest task
 * on a phone's main thread, and most readers of the list only read it.
 *
 * Pointing at, focusing or touching the list region starts the load. A
 * search, a menu change or a page link used before htmx is ready is held and
 * handed to htmx once it is; if htmx cannot load, the browser does what it
 * would without JavaScript. The region is #verdicts; this script's
 * data-htmx-src names htmx.
 */
(function () {
  "use strict";
  var me = document.currentScript;
  var region = document.getElementById("verdicts");
  if (!me || !region) {
    return;
  }
  var state = "idle"; // then "loading", "ready" or "failed"
  var waiting = [];

  function settle(outcome) {
    state = outcome;
    waiting.splice(0).forEach(function (task) {
      task[outcome === "ready" ? 0 : 1]();
    });
  }

  function inject() {
    var script = document.createElement("script");
    script.src = me.dataset.htmxSrc;
    script.nonce = me.nonce;
    script.onload = function () { settle("ready"); };
    script.onerror = function () { settle("failed"); };
    document.head.appendChild(script);
  }

  function load() {
    if (state !== "idle") {
      return;
    }
    state = "loading";
    // htmx starts itself at once only once the page has finished loading.
    if (document.readyState === "complete") {
      inject();
    } else {
      window.addEventListener("load", inject, { once: true });
    }
  }

  function whenReady(withHtmx, without) {
    if (state === "ready") {
      withHtmx();
    } else if (state === "failed") {
      without();
    } else {
      waiting.push([withHtmx, without]);
      load();
    }
  }

  ["pointerover", "pointerdown", "focusin", "touchstart"].forEach(function (type) {
    region.addEventListener(type, load, { passive: true });
  });

  // Held until htmx is ready: what htmx would have handled.
  region.addEventListener("submit", function (event) {
    if (state === "ready") {
      return;
    }
    var form = event.target;
    event.preventDefault();
    whenReady(
      function () { window.htmx.trigger(form, "submit"); },
      function () { form.submit(); }
    );
  }, true);
  region.addEventListener("change", function (event) {
    var menu = event.target;
    if (state === "ready" || menu.tagName !== "SELECT") {
      return;
    }
    whenReady(
      function () { window.htmx.trigger(menu, "change"); },
      function () { menu.form.submit(); }
    );
  }, true);
  region.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-hx-get]");
    if (state === "ready" || !link || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    whenReady(
      function () { window.htmx.trigger(link, "click"); },
      function () { window.location.assign(link.href); }
    );
  }, true);

  // Browser extensions (and test tools) give elements inline styles through
  // the CSSOM, which the Content Security Policy allows. Written back as HTML,
  // as htmx writes the pages it keeps for Back and Forward, the same styles
  // would be refused and reported: htmx keeps each page without them, and
  // they are put back, through the CSSOM again, once it has.
  document.addEventListener("htmx:beforeHistorySave", function (event) {
    var styled = [];
    event.detail.historyElt.querySelectorAll("[style]").forEach(function (element) {
      styled.push([element, element.style.cssText]);
      element.removeAttribute("style");
    });
    window.queueMicrotask(function () {
      styled.forEach(function (pair) {
        pair[0].style.cssText = pair[1];
      });
    });
  });

  // Back to a search htmx made: htmx restores the pages it pushed.
  if (window.history.state && window.history.state.htmx) {
    load();
  }
})();
