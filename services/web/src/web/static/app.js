// Progressive enhancement only: the PESEL field tells, as it is typed, what birth date and sex it holds.
// The enrolment service still checks the number; without this script the hint appears after sending.
(function () {
  "use strict";
  var WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  var CENTURY = { 0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800 };
  function read(pesel) {
    if (!/^\d{11}$/.test(pesel)) { return null; }
    var d = pesel.split("").map(Number), sum = 0;
    for (var i = 0; i < 10; i++) { sum += WEIGHTS[i] * d[i]; }
    if ((10 - (sum % 10)) % 10 !== d[10]) { return "bad"; }
    var month = d[2] * 10 + d[3], offset = Math.floor(month / 20) * 20;
    var year = CENTURY[offset] + d[0] * 10 + d[1], m = month - offset, day = d[4] * 10 + d[5];
    var born = new Date(Date.UTC(year, m - 1, day));
    if (born.getUTCMonth() !== m - 1 || born.getUTCDate() !== day) { return "bad"; }
    return { born: born.toISOString().slice(0, 10), sex: d[9] % 2 ? "mężczyzna" : "kobieta" };
  }
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.getElementById("pole-pesel"), out = document.getElementById("pesel-odczyt");
    if (!field || !out) { return; }
    field.addEventListener("input", function () {
      var facts = read(field.value.trim());
      if (facts === null) { out.textContent = ""; }
      else if (facts === "bad") { out.textContent = "Ten PESEL jest niepoprawny (sprawdź cyfry)."; }
      else { out.textContent = "Z numeru PESEL: urodzenie " + facts.born + ", płeć: " + facts.sex + "."; }
    });
  });
})();
