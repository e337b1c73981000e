/* Leaving the page warns while a field changed is not yet saved: an answer whose autosave is
   pending or refused, or the price (saved with "Save draft"); submitting the form itself never
   warns. */
(function () {
  // The sign-in page's address, given by the page (read while this script runs).
  var loginUrl = document.currentScript.getAttribute("data-login-url");
  var form = document.getElementById("bid-form");
  if (!form) { return; }
  var unsaved = new Set();
  /* Signing in again (in another tab, after the session ended) gives a new CSRF token: the form
     sends the current one from its cookie, so the next save from this page is taken. */
  function freshToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (match && field) { field.value = decodeURIComponent(match[1]); }
  }
  form.addEventListener("input", function (event) {
    freshToken();
    var box = event.target.closest("[data-autosave]");
    if (box) { unsaved.add(box.getAttribute("data-autosave")); }
    else if (event.target.name) { unsaved.add(event.target.name); }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var box = event.detail.elt;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-autosave")) { return; }
    var line = box.querySelector(".lf-autosave");
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (event.detail.successful) {
      unsaved.delete(box.getAttribute("data-autosave"));
    } else if (status === 401) {
      /* Signed out (the session ended): say so, with what is kept, and a way back in. */
      line.textContent = event.detail.xhr.responseText + " ";
      var link = document.createElement("a");
      link.className = "govuk-link";
      link.href = loginUrl;
      link.target = "_blank";
      link.textContent = "Sign in again (opens in a new tab)";
      line.appendChild(link);
    } else if (status !== 422) {
      line.textContent =
        "Not saved: check your connection. Your text is still here: save your draft before you leave.";
    }
  });
  var submitting = false;
  form.addEventListener("submit", function () { freshToken(); submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsaved.size > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
