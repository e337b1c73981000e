/* Resumable upload of the chosen file. Nothing here is needed: without it the button posts the
   file with the bid form. */
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("bid-upload");
  var form = document.getElementById("bid-form");
  var button = box && document.querySelector(
    "button[formaction='" + box.getAttribute("data-form-url") + "']");
  var input = document.getElementById("id_attachment-file");
  if (!button || !form || !input || !window.tus || !window.tus.isSupported) { return; }
  var title = document.getElementById("id_attachment-title");
  // The progress bar and its words go just above the button.
  button.parentNode.insertBefore(box, button);
  var status = document.getElementById("bid-upload-status");
  var bar = document.getElementById("bid-upload-progress");
  var group = input.closest(".govuk-form-group");
  var errorId = input.id + "-error";
  var maxBytes = parseInt(box.getAttribute("data-max-bytes"), 10);
  var extensions = box.getAttribute("data-extensions").split(",");

  function clearError() {
    var old = document.getElementById(errorId);
    if (old) { old.remove(); }
    group.classList.remove("govuk-form-group--error");
    input.classList.remove("govuk-file-upload--error");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== errorId;
    });
    if (described.length) { input.setAttribute("aria-describedby", described.join(" ")); }
    else { input.removeAttribute("aria-describedby"); }
  }

  function showError(message) {
    clearError();
    var error = document.createElement("p");
    error.id = errorId;
    error.className = "govuk-error-message";
    var hidden = document.createElement("span");
    hidden.className = "govuk-visually-hidden";
    hidden.textContent = "Error:";
    error.appendChild(hidden);
    error.appendChild(document.createTextNode(" " + message));
    input.parentNode.insertBefore(error, input);
    group.classList.add("govuk-form-group--error");
    input.classList.add("govuk-file-upload--error");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(errorId);
    input.setAttribute("aria-describedby", described.join(" "));
    status.textContent = "";
  }

  /* The server's checks that can be made before sending (bids/actions_uploads.py); the content
     is checked by the server when it has arrived. */
  function problem(file) {
    var name = file.name;
    var extension = name.indexOf(".") >= 0 ? name.split(".").pop().toLowerCase() : "";
    if (extensions.indexOf(extension) < 0) {
      return name + " must be one of these file types: " + box.getAttribute("data-types");
    }
    if (file.size === 0) { return name + " is empty"; }
    if (file.size > maxBytes) {
      return name + " must be smaller than " + box.getAttribute("data-max-label");
    }
    return null;
  }

  /* The file's SHA-256, declared when its upload begins: the server then takes it after the
     deadline (within the grace period) only if it is this file, chosen before the deadline.
     Read in slices (hash-wasm), so a 500 MB file is never in memory whole. Where WebAssembly is
     not available, Web Crypto hashes a file up to 256 MB whole; otherwise no SHA-256 is
     declared, and the file must finish before the deadline. */
  var WHOLE_LIMIT = 256 * 1024 * 1024;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  function sliced(file, onProgress) {
    // 8 MB at a time (data-hash-slice-bytes, read when used, lets a test make it small).
    var SLICE = parseInt(box.getAttribute("data-hash-slice-bytes") || "", 10) || 8 * 1024 * 1024;
    return window.hashwasm.createSHA256().then(function (hasher) {
      hasher.init();
      function from(start) {
        if (start >= file.size) { return hasher.digest("hex"); }
        return file.slice(start, start + SLICE).arrayBuffer().then(function (chunk) {
          hasher.update(new Uint8Array(chunk));
          onProgress(Math.min(start + SLICE, file.size), file.size);
          return from(start + SLICE);
        });
      }
      return from(0);
    });
  }

  function fingerprint(file, onProgress) {
    var whole = function () {
      if (!window.crypto || !window.crypto.subtle || file.size > WHOLE_LIMIT) { return ""; }
      return file.arrayBuffer().then(function (buffer) {
        return window.crypto.subtle.digest("SHA-256", buffer);
      }).then(hex, function () { return ""; });
    };
    if (!window.hashwasm) { return Promise.resolve(whole()); }
    return sliced(file, onProgress).catch(whole);
  }

  input.addEventListener("change", function () {
    clearError();
    var file = input.files[0];
    var found = file ? problem(file) : null;
    if (found) { showError(found); }
  });

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var file = input.files[0];
    if (!file) { showError("Choose a file to upload"); return; }
    var found = problem(file);
    if (found) { showError(found); input.focus(); return; }
    clearError();
    button.disabled = true;
    box.hidden = false;
    bar.value = 0;
    status.textContent = "Checking " + file.name + "…";
    fingerprint(file, function (done, total) {
      var percent = Math.floor((done / total) * 100);
      bar.value = percent;
      status.textContent = "Checking " + file.name + ": " + percent + "%";
    }).then(function (sha256) {
      bar.value = 0;
      status.textContent = "Uploading " + file.name + "…";
      send(file, sha256);
    });
  });

  function send(file, sha256) {
    var metadata = { filename: file.name, title: title ? title.value : "" };
    if (sha256) { metadata.sha256 = sha256; }
    var upload = new window.tus.Upload(file, {
      endpoint: box.getAttribute("data-upload-url"),
      chunkSize: parseInt(box.getAttribute("data-chunk-bytes"), 10),
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      metadata: metadata,
      // The current CSRF token with every request: signing in again (in another tab, after the
      // session ended) gives a new one, and the upload goes on with it.
      onBeforeRequest: function (request) {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        request.setHeader("X-CSRFToken", match ? decodeURIComponent(match[1]) :
          form.querySelector("[name=csrfmiddlewaretoken]").value);
      },
      removeFingerprintOnSuccess: true,
      onShouldRetry: function (error) {
        var response = error.originalResponse;
        var code = response ? response.getStatus() : 0;
        if (code === 0 || code >= 500) { return true; }
        // A chunk from the wrong offset: ask where the upload is and go on from there.
        return code === 409 && error.originalRequest && error.originalRequest.getMethod() !== "POST";
      },
      onProgress: function (sent, total) {
        var percent = total ? Math.floor((sent / total) * 100) : 0;
        bar.value = percent;
        status.textContent = "Uploading " + file.name + ": " + percent + "% sent";
      },
      onError: function (error) {
        var response = error.originalResponse;
        var code = response ? response.getStatus() : 0;
        // The server's refusals are a sentence of plain text; anything else is not shown.
        var said = code >= 400 && code < 500 && response.getBody().length < 500 ?
          response.getBody() : "";
        showError(said || ("The upload of " + file.name + " stopped: check your connection, " +
          "then choose the file again and upload it; it continues from where it stopped."));
        button.disabled = false;
      },
      onSuccess: function () {
        bar.value = 100;
        status.textContent = file.name + " has been received. Saving your bid…";
        input.value = "";
        // Save the price and answers typed, as the form's upload does; the page then shows
        // the file attached.
        form.requestSubmit();
      }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
      upload.start();
    });
  }
});
