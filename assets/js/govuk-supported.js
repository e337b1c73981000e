/* Run first thing in <body>: tells GOV.UK Frontend's styles that JavaScript runs here, and
   whether this browser runs its components (ES modules), before anything is drawn. */
document.body.className += " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
