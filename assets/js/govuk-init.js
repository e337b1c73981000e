/* GOV.UK Frontend's components on every page (loaded as a module, so only where supported). */
import { initAll } from "./govuk-frontend.min.js";

initAll();
