#include <string.h>
#include <time.h>

#include "server/internal.h"

/* Formatting an IMF-fixdate costs far more than a response's other headers; once per
 * second per worker is enough (RFC 9110 §6.6.1 asks for the time the message was made,
 * to the second). */
static void two(char *p, int v) {
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

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
        /* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n": fixed width, so no printf. */
        char *p = w->date;
        memcpy(p, "Date: ", 6);
        memcpy(p + 6, days[tm.tm_wday], 3);
        memcpy(p + 9, ", ", 2);
        two(p + 11, tm.tm_mday);
        p[13] = ' ';
        memcpy(p + 14, months[tm.tm_mon], 3);
        p[17] = ' ';
        int year = tm.tm_year + 1900;
        two(p + 18, year / 100 % 100);
        two(p + 20, year % 100);
        p[22] = ' ';
        two(p + 23, tm.tm_hour);
        p[25] = ':';
        two(p + 26, tm.tm_min);
        p[28] = ':';
        two(p + 29, tm.tm_sec);
        memcpy(p + 31, " GMT\r\n", 7);
        /* Refresh at the next wall-clock second, not a second from now. */
        w->date_next_ms = now + (uint64_t)(1000 - ts.tv_nsec / 1000000);
    }
    return w->date;
}
