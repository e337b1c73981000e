/* The bidding countdown (govuk/countdown.html): the words the server wrote, kept up to date.
   Each box counts on from the server's time when it made the page, not this computer's. */
(function () {
  function start(box) {
    if (box.hasAttribute("data-countdown-started")) { return; }
    box.setAttribute("data-countdown-started", "");
    var words = box.querySelector("[data-countdown-words]");
    // The server's time when it made the page, less this computer's.
    var skew = Date.parse(box.dataset.now) - Date.now();
    var deadline = Date.parse(box.dataset.deadline);
    function say() {
      var seconds = Math.floor((deadline - (Date.now() + skew)) / 1000);
      if (seconds <= 0) { words.textContent = "has closed"; return; }
      var text;
      if (seconds < 60) { text = "closes in less than a minute"; }
      else if (seconds < 3600) {
        var minutes = Math.floor(seconds / 60);
        text = "closes in about " + minutes + " minute" + (minutes === 1 ? "" : "s");
      } else {
        var hours = Math.round(seconds / 3600);
        text = "closes in about " + hours + " hour" + (hours === 1 ? "" : "s");
      }
      // Only a change is announced to screen readers, at most once a minute.
      if (words.textContent !== text) { words.textContent = text; }
      setTimeout(say, seconds < 120 ? 1000 : 30000);
    }
    say();
  }
  document.querySelectorAll("[data-countdown]").forEach(start);
})();
