#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/internal.h"

/* Formatting an IMF-fixdate costs far more than a response's other headers; once per
 * second per worker is enough (RFC 9110 §6.6.1 asks for the time the message was made,
 * to the second). */
const char *bk_date_header(bk_worker *w) {
    uint64_t now = uv_now(w->loop);
    if (now >= w->date_next_ms) {
        static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(w->date, sizeof w->date, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
                 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
        /* Refresh at the next wall-clock second, not a second from now. */
        w->date_next_ms = now + (uint64_t)(1000 - ts.tv_nsec / 1000000);
    }
    return w->date;
}
