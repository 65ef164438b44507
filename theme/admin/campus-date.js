// The catalogue's date field for the web editor: a text box typed as its hint says, AAAA-MM-JJ,
// and a button for today's date. Decap's own datetime widget shows the browser's date input, whose
// order follows the browser's language (12/06/2026 or 06/12/2026, never the hint's), and writes
// « UTC » beside it. The value is the text itself (config.yml's `pattern` refuses anything else
// with a French message); `{{now}}`, the default of `published`, becomes today's date on a new record.

const h = (...args) => window.h(...args);

/** Today's date in the editor's time zone, AAAA-MM-JJ. */
export function today(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function campusDate(Component) {
  return class CampusDateControl extends Component {
    componentDidMount() {
      if (this.props.value === "{{now}}") this.props.onChange(today());
    }

    render() {
      const { forID, value, onChange, classNameWrapper, setActiveStyle, setInactiveStyle, isDisabled, field } = this.props;
      const text = value === "{{now}}" ? "" : value instanceof Date ? today(value) : String(value ?? "");
      const label = field.get("label");
      return h("div", { className: classNameWrapper, style: { display: "flex", gap: "1rem", alignItems: "center" } },
        h("input", {
          id: forID, type: "text", inputMode: "numeric", autoComplete: "off", placeholder: "AAAA-MM-JJ",
          size: 12, maxLength: 10, value: text, disabled: isDisabled, "aria-describedby": `${forID}-format`,
          onChange: (event) => onChange(event.target.value.trim()), onFocus: setActiveStyle, onBlur: setInactiveStyle,
          style: { flex: "0 0 auto", width: "12ch", border: 0, background: "transparent", font: "inherit" },
        }),
        h("span", { id: `${forID}-format`, className: "campus-date-format" }, "format AAAA-MM-JJ"),
        isDisabled ? null : h("button", {
          type: "button", className: "campus-date-today", onClick: () => onChange(today()),
          "aria-label": `Aujourd'hui : ${label}`,
        }, "Aujourd'hui"),
        isDisabled || !text ? null : h("button", {
          type: "button", className: "campus-date-today", onClick: () => onChange(""),
          "aria-label": `Effacer : ${label}`,
        }, "Effacer"));
    }
  };
}

const ISO = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** The first date of a record's data (any depth) that the calendar does not have (2026-02-30), or null. */
export function impossibleDate(value) {
  if (typeof value === "string") {
    const found = ISO.exec(value);
    if (!found) return null;
    const [year, month, day] = found.slice(1).map(Number);
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? null : value;
  }
  if (value && typeof value === "object") {
    for (const item of Object.values(value)) {
      const bad = impossibleDate(item);
      if (bad) return bad;
    }
  }
  return null;
}

/** Registers the check as a preSave handler: a date the calendar lacks is refused in French. */
export function registerDateCheck(CMS) {
  CMS.registerEventListener({
    name: "preSave",
    handler: ({ entry }) => {
      const data = entry.get("data");
      const bad = impossibleDate(data && data.toJS ? data.toJS() : data);
      if (bad) throw `la date « ${bad} » n'existe pas : vérifiez le jour et le mois (AAAA-MM-JJ), puis enregistrez de nouveau.`;
      return undefined;
    },
  });
}
