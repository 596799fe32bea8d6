// When the app's connection closes, ask the server whether this browser's session is still
// live: if not (signed out, timed out, ended by an admin), go to the sign-in page, which
// says why; if it is (the app was quit), offer to open it again.
(function () {
  "use strict";
  function sessionClosed() {
    fetch("/session", {credentials: "same-origin", cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (!state.live) {
          window.location.replace("/sign-in" + (state.why ? "?why=" + encodeURIComponent(state.why) : ""));
        }
      })
      .catch(function () { window.location.replace("/sign-in"); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.getElementById("restart").addEventListener("click", function () {
      window.location.replace("/");
    });
    new MutationObserver(function () {
      if (document.body.classList.contains("-closed")) sessionClosed();
    }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
  });
})();
